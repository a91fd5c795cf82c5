package provider

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

type fakePrivate map[string][]byte

func (f fakePrivate) GetKey(_ context.Context, key string) ([]byte, diag.Diagnostics) {
	return f[key], nil
}

func TestFlinkAdoptedVersion(t *testing.T) {
	ctx := context.Background()
	secrets := func(keys ...string) types.Map {
		elems := map[string]attr.Value{}
		for _, k := range keys {
			elems[k] = types.StringUnknown() // an ephemeral value: the key is known, not the value
		}
		return types.MapValueMust(types.StringType, elems)
	}
	held := func(keys string) fakePrivate {
		return fakePrivate{flinkImportedVersionKey: importedSecretKeys(&client.FlinkJob{
			Config: client.FlinkJobConfig{RuntimeConfig: map[string]string{flinkSecretKeysConfigKey: keys}}})}
	}
	const v = "secret_runtime_config_version"
	for _, tc := range []struct {
		name           string
		private        privateGetter
		secrets        types.Map
		restart        []string
		planned, prior types.Int64
		want           []string
	}{
		{"adopted: DLI holds every key", held("a:b"), secrets("a"), []string{"sql", v}, types.Int64Value(3), types.Int64Null(), []string{"sql"}},
		{"adopted: no secrets configured", held(""), types.MapNull(types.StringType), []string{v}, types.Int64Value(1), types.Int64Null(), []string{}},
		{"a key DLI lacks is sent", held("a"), secrets("a", "c"), []string{v}, types.Int64Value(3), types.Int64Null(), []string{v}},
		{"not imported", fakePrivate{}, secrets("a"), []string{v}, types.Int64Value(3), types.Int64Null(), []string{v}},
		{"no private state", nil, secrets("a"), []string{v}, types.Int64Value(3), types.Int64Null(), []string{v}},
		{"a version in state is a change", held("a"), secrets("a"), []string{v}, types.Int64Value(3), types.Int64Value(2), []string{v}},
		{"unknown secrets", held("a"), types.MapUnknown(types.StringType), []string{v}, types.Int64Value(3), types.Int64Null(), []string{v}},
		{"unknown version", held("a"), secrets("a"), []string{v}, types.Int64Unknown(), types.Int64Null(), []string{v}},
		{"version unchanged", held("a"), secrets("a"), []string{"sql"}, types.Int64Value(3), types.Int64Value(3), []string{"sql"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var diags diag.Diagnostics
			got := withoutAdoptedVersionOf(ctx, tc.private, tc.secrets, tc.restart, tc.planned, tc.prior, &diags)
			if fmt.Sprint(got) != fmt.Sprint(tc.want) || diags.HasError() {
				t.Errorf("got %v (%v), want %v", got, diags, tc.want)
			}
		})
	}
}

func TestImportedSecretKeys(t *testing.T) {
	for rc, want := range map[string]string{"": `[]`, "a": `["a"]`, " a : b ::": `["a","b"]`} {
		got := string(importedSecretKeys(&client.FlinkJob{Config: client.FlinkJobConfig{RuntimeConfig: map[string]string{flinkSecretKeysConfigKey: rc}}}))
		if got != want {
			t.Errorf("%q: got %s, want %s", rc, got, want)
		}
	}
}
