package client

import (
	"context"
	"reflect"
	"testing"
)

// The observer sees each change of state once, in order, for waits and for cancels.
func TestWithStateObserver(t *testing.T) {
	tests := []struct {
		name string
		job  fakeJob
		run  func(ctx context.Context, c *Client, id string) error
		want []string
	}{
		{
			name: "wait reports changes, not repeats",
			job:  fakeJob{States: []JobState{StateStarting, StateRunning, StateRunning, StateSuccess}},
			run: func(ctx context.Context, c *Client, id string) error {
				_, err := c.WaitForBatchJob(ctx, id, StateSuccess)
				return err
			},
			want: []string{"starting", "running", "success"},
		},
		{
			name: "cancel reports the end",
			job:  fakeJob{States: []JobState{StateRunning}, AfterCancel: []JobState{StateRunning, StateDead}},
			run: func(ctx context.Context, c *Client, id string) error {
				_, err := c.CancelAndWait(ctx, id, StateRunning)
				return err
			},
			want: []string{"dead"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeDLI(t)
			job := tt.job
			j := f.addJob(&job)
			c := newTestClient(t, f.URL())
			var got []string
			ctx := WithStateObserver(context.Background(), func(subject, state string) {
				if subject != "batch job "+j.ID {
					t.Errorf("subject %q", subject)
				}
				got = append(got, state)
			})
			if err := tt.run(ctx, c, j.ID); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("observed %v, want %v", got, tt.want)
			}
		})
	}
}
