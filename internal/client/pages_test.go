package client

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// walkPages ends where each list style needs it, passes a repeated item once, and asks for
// each page with the index and the offset of the items before it.
func TestWalkPages(t *testing.T) {
	tests := []struct {
		name      string
		pages     [][]string // by page index; past the end: empty
		total     int
		shortEnds bool
		stopAt    string // fn returns false on this item
		want      []string
		wantAsked []int // the offsets asked for
	}{
		{name: "empty first page", want: nil, wantAsked: []int{0}},
		{name: "short page ends", shortEnds: true, pages: [][]string{{"a", "b"}, {"c"}, {"d"}},
			want: []string{"a", "b", "c"}, wantAsked: []int{0, 2}},
		{name: "short page does not end", pages: [][]string{{"a", "b"}, {"c"}, {"d"}},
			want: []string{"a", "b", "c", "d"}, wantAsked: []int{0, 2, 3, 4}},
		{name: "total reached", shortEnds: true, total: 4, pages: [][]string{{"a", "b"}, {"c", "d"}, {"e", "f"}},
			want: []string{"a", "b", "c", "d"}, wantAsked: []int{0, 2}},
		{name: "shifted page: repeated item once", shortEnds: true, pages: [][]string{{"a", "b"}, {"b", "c"}, {"d"}},
			want: []string{"a", "b", "c", "d"}, wantAsked: []int{0, 2, 4}},
		{name: "nothing new: a server ignoring the offset", pages: [][]string{{"a", "b"}, {"a", "b"}, {"c"}},
			want: []string{"a", "b"}, wantAsked: []int{0, 2}},
		{name: "items without a key are never duplicates", shortEnds: true, pages: [][]string{{"", ""}, {""}},
			want: []string{"", "", ""}, wantAsked: []int{0, 2}},
		{name: "fn stops", pages: [][]string{{"a", "b"}, {"c"}}, stopAt: "b", want: []string{"a", "b"}, wantAsked: []int{0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			var asked []int
			err := walkPages(context.Background(), pageWalk[string]{
				op: "list things", size: 2, shortEnds: tt.shortEnds, key: func(s string) string { return s },
				fetch: func(_ context.Context, n, offset int) ([]string, int, error) {
					if n != len(asked) {
						t.Fatalf("page %d asked after %d pages", n, len(asked))
					}
					asked = append(asked, offset)
					if n < len(tt.pages) {
						return tt.pages[n], tt.total, nil
					}
					return nil, tt.total, nil
				},
			}, func(s string) bool { got = append(got, s); return s != tt.stopAt || s == "" })
			if err != nil || !reflect.DeepEqual(got, tt.want) || !reflect.DeepEqual(asked, tt.wantAsked) {
				t.Fatalf("items %q, offsets %v, err %v; want %q, %v", got, asked, err, tt.want, tt.wantAsked)
			}
		})
	}
}

func TestWalkPages_errors(t *testing.T) {
	boom := errors.New("boom")
	err := walkPages(context.Background(), pageWalk[int]{op: "list things", size: 1, key: func(int) string { return "" },
		fetch: func(context.Context, int, int) ([]int, int, error) { return nil, 0, boom }}, func(int) bool { return true })
	if !errors.Is(err, boom) {
		t.Fatalf("err %v", err)
	}
	pages := 0
	err = walkPages(context.Background(), pageWalk[int]{op: "list things", size: 1, key: func(int) string { return "" },
		fetch: func(context.Context, int, int) ([]int, int, error) { pages++; return []int{1}, 0, nil }}, func(int) bool { return true })
	if err == nil || !strings.Contains(err.Error(), "list things: more than") || pages != maxListPages {
		t.Fatalf("err %v after %d pages", err, pages)
	}
}
