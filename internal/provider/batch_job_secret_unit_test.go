package provider

import (
	"reflect"
	"testing"
)

func TestSecretConfMergeAndStrip(t *testing.T) {
	conf := map[string]string{"spark.a": "1"}
	secrets := map[string]string{"spark.pw": "hunter22", "spark.key": "k3y-value"}
	merged := withSecretConf(conf, secrets)
	want := map[string]string{"spark.a": "1", "spark.pw": "hunter22", "spark.key": "k3y-value",
		secretKeysConfKey: `["spark.key","spark.pw"]`}
	if !reflect.DeepEqual(merged, want) {
		t.Fatalf("merged %v", merged)
	}
	if len(conf) != 1 {
		t.Fatal("withSecretConf changed its input")
	}
	tests := []struct {
		name  string
		in    map[string]string
		extra []string
		want  map[string]string
	}{
		{"listed keys and the list go", merged, nil, map[string]string{"spark.a": "1"}},
		{"no list: unchanged", map[string]string{"spark.a": "1"}, nil, map[string]string{"spark.a": "1"}},
		{"private-state names go too", map[string]string{"spark.a": "1", "spark.b": "2"}, []string{"spark.b"}, map[string]string{"spark.a": "1"}},
		{"unreadable list: only the list goes", map[string]string{"spark.a": "1", secretKeysConfKey: "not json"}, nil, map[string]string{"spark.a": "1"}},
		{"nothing left", map[string]string{"spark.pw": "x", secretKeysConfKey: `["spark.pw"]`}, nil, map[string]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := withoutSecretConf(tt.in, tt.extra...); !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
		})
	}
	if got := withSecretConf(conf, nil); !reflect.DeepEqual(got, conf) {
		t.Fatalf("no secrets: %v", got)
	}
}

func TestMaskValues(t *testing.T) {
	secrets := map[string]string{"a": "pass", "b": "password1", "c": ""}
	got := maskValues("log: password1 and pass, nothing else", secrets)
	if want := "log: *** and ***, nothing else"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

// jobArgsFromRequest (resource, import, list results, data sources) never returns secret keys.
func TestJobArgsFromRequestStripsSecretConf(t *testing.T) {
	job := sampleJob()
	job.Request.Conf = withSecretConf(map[string]string{"spark.a": "1"}, map[string]string{"spark.pw": "hunter22"})
	got := jobDataFromClient(job)
	if !reflect.DeepEqual(got.Conf, map[string]string{"spark.a": "1"}) {
		t.Fatalf("conf %v", got.Conf)
	}
}
