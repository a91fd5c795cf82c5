package provider

import (
	"context"
	"reflect"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Field-level helpers over the Flink models, by tfsdk name: the models embed their parts, and
// comparing or completing them attribute by attribute keeps the update rules in one list
// (flinkLive) instead of one comparison per argument.

// modelFields maps each tfsdk name of a model (embedded structs included) to its field.
func modelFields(v reflect.Value) map[string]reflect.Value {
	out := map[string]reflect.Value{}
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			sf, fv := t.Field(i), v.Field(i)
			name := sf.Tag.Get("tfsdk")
			switch {
			case sf.Anonymous && name == "" && sf.Type.Kind() == reflect.Struct:
				walk(fv)
			case name != "" && name != "-":
				out[name] = fv
			}
		}
	}
	walk(v)
	return out
}

func fieldsOf[T any](m *T) map[string]reflect.Value { return modelFields(reflect.ValueOf(m).Elem()) }

// changedArguments lists the job arguments (not settings, not computed values) whose planned
// value differs from the state's, split into those DLI changes on a running job and the rest.
// An unknown planned value counts as a change.
func changedArguments[T any](plan, state *T) (restart, live []string) {
	pf, sf := fieldsOf(plan), fieldsOf(state)
	names := make([]string, 0, len(pf))
	for name := range pf {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if slices.Contains(flinkSettings, name) || slices.Contains(flinkComputed, name) || name == "tags" {
			continue // tags change through the tag API (Update), never with a PUT or a restart
		}
		pv, ok1 := pf[name].Interface().(attr.Value)
		sv, ok2 := sf[name].Interface().(attr.Value)
		if !ok1 || !ok2 || pv.Equal(sv) {
			continue
		}
		if slices.Contains(flinkLive, name) {
			live = append(live, name)
		} else {
			restart = append(restart, name)
		}
	}
	// A new secret_runtime_config_version sends the whole job again, with this apply's secrets.
	const version = "secret_runtime_config_version"
	pv, ok1 := pf[version].Interface().(attr.Value)
	sv, ok2 := sf[version].Interface().(attr.Value)
	if ok1 && ok2 && !pv.Equal(sv) {
		restart = append(restart, version)
	}
	return restart, live
}

// fillUnknowns copies from src every attribute that is unknown in dst.
func fillUnknowns[T any](dst, src *T) {
	df, sf := fieldsOf(dst), fieldsOf(src)
	for name, fv := range df {
		if v, ok := fv.Interface().(attr.Value); ok && v.IsUnknown() && fv.CanSet() {
			fv.Set(sf[name])
		}
	}
}

// nullUnknowns replaces unknown values by null: state holds no unknowns.
func nullUnknowns[T any](m *T) {
	for _, fv := range fieldsOf(m) {
		v, ok := fv.Interface().(attr.Value)
		if !ok || !v.IsUnknown() || !fv.CanSet() {
			continue
		}
		var null attr.Value
		switch x := v.(type) {
		case types.String:
			null = types.StringNull()
		case types.Int64:
			null = types.Int64Null()
		case types.Bool:
			null = types.BoolNull()
		case types.List:
			null = types.ListNull(types.StringType)
		case types.Map:
			null = types.MapNull(types.StringType)
		case types.Object:
			null = types.ObjectNull(x.AttributeTypes(context.Background()))
		default:
			continue
		}
		fv.Set(reflect.ValueOf(null))
	}
}
