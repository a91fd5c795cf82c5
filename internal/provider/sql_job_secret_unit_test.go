package provider

import (
	"reflect"
	"testing"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

func TestSQLSecretConfMergeAndStrip(t *testing.T) {
	conf := map[string]string{"spark.sql.shuffle.partitions": "8"}
	secrets := map[string]string{"spark.jdbc.password": "hunter22", "dli.key": "k3y,value"}
	merged := withSQLSecretConf(conf, secrets)
	want := map[string]string{"spark.sql.shuffle.partitions": "8", "spark.jdbc.password": "hunter22", "dli.key": "k3y,value",
		sqlSecretKeysConfKey: "dli.key:spark.jdbc.password"}
	if !reflect.DeepEqual(merged, want) {
		t.Fatalf("merged %v", merged)
	}
	if len(conf) != 1 {
		t.Fatal("withSQLSecretConf changed its input")
	}
	if got := withSQLSecretConf(conf, nil); !reflect.DeepEqual(got, conf) {
		t.Fatalf("no secrets: %v", got)
	}
	tests := []struct {
		name  string
		in    map[string]string
		extra []string
		want  map[string]string
	}{
		{"listed keys and the list go", merged, nil, conf},
		{"no list: unchanged", conf, nil, conf},
		{"nil stays nil", nil, nil, nil},
		{"private-state names go too", map[string]string{"a": "1", "b": "2"}, []string{"b"}, map[string]string{"a": "1"}},
		{"spaces around names", map[string]string{"a": "1", "b": "2", sqlSecretKeysConfKey: " b "}, nil, map[string]string{"a": "1"}},
		{"nothing left is no conf", map[string]string{"pw": "x", sqlSecretKeysConfKey: "pw"}, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := withoutSQLSecretConf(tt.in, tt.extra...); !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// sqlArgsFromJob (import, list results, data sources) never returns secret keys; a resource
// that holds its conf keeps it.
func TestSQLArgsFromJobStripsSecretConf(t *testing.T) {
	job := &client.SQLJob{ID: "8ecb0777-9c70-4529-9935-29ea0946039c", Statement: "SELECT 1",
		Conf: withSQLSecretConf(map[string]string{"a.b": "1"}, map[string]string{"spark.pw": "hunter22"})}
	if got := sqlArgsFromJob(job, sqlJobArgsModel{}); !reflect.DeepEqual(got.Conf, map[string]string{"a.b": "1"}) {
		t.Fatalf("imported conf %v", got.Conf)
	}
	prior := sqlArgsFromJob(job, sqlJobArgsModel{})
	prior.Conf = map[string]string{"a.b": "1"}
	if got := sqlArgsFromJob(job, prior); !reflect.DeepEqual(got.Conf, prior.Conf) {
		t.Fatalf("kept conf %v", got.Conf)
	}
}
