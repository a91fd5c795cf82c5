package pluginserver

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// optionalInterfaces are the interfaces besides ProviderServer that tf6server looks for on the
// server it serves (terraform-plugin-go v0.31 keeps actions, list resources and state stores out
// of ProviderServer for now).
var optionalInterfaces = map[string]reflect.Type{
	"ProviderServerWithActions":      reflect.TypeFor[tfprotov6.ProviderServerWithActions](),      //nolint:staticcheck // what tf6server asserts
	"ProviderServerWithListResource": reflect.TypeFor[tfprotov6.ProviderServerWithListResource](), //nolint:staticcheck // what tf6server asserts
	"ProviderServerWithStateStores":  reflect.TypeFor[tfprotov6.ProviderServerWithStateStores](),  //nolint:staticcheck // what tf6server asserts
}

// streamedMethods answer with a stream whose work runs while Terraform consumes it; every
// other method is answered when it returns.
var streamedMethods = map[string]string{"InvokeAction": "Events", "ListResource": "Results", "ReadStateBytes": "Chunks"}

// snapshot is what a server saw of its context at one moment.
type snapshot struct {
	ctx   context.Context
	value any
	err   error
}

type recorder struct {
	mu       sync.Mutex
	calls    map[string]snapshot
	streamed map[string]snapshot
}

func newRecorder() *recorder {
	return &recorder{calls: map[string]snapshot{}, streamed: map[string]snapshot{}}
}

func (r *recorder) called(name string, ctx context.Context) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls[name] = snapshot{ctx, ctx.Value(payloadKey{}), ctx.Err()}
}

func (r *recorder) streaming(name string, ctx context.Context) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.streamed[name] = snapshot{ctx, ctx.Value(payloadKey{}), ctx.Err()}
}

func (r *recorder) get(name string) (call, stream snapshot, called bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	call, called = r.calls[name]
	return call, r.streamed[name], called
}

// TestReleasing_everyMethod calls every method of every interface tf6server uses through the
// wrapper and checks that it reaches the server with the request's context, which is released
// when the answer is given (unary methods) or when the stream has been consumed (streamed
// ones). A method that terraform-plugin-go adds is forwarded by embedding but not released:
// this test fails until releasingServer (or an optional server) wraps it.
func TestReleasing_everyMethod(t *testing.T) {
	rec := newRecorder()
	w := Releasing(fullServer{rec})
	ifaces := []reflect.Type{reflect.TypeFor[tfprotov6.ProviderServer]()}
	for _, name := range sortedKeys(optionalInterfaces) {
		ifaces = append(ifaces, optionalInterfaces[name])
	}
	seen := map[string]bool{}
	for _, iface := range ifaces {
		if !reflect.TypeOf(w).Implements(iface) {
			t.Errorf("the wrapper of a server that implements %s does not", iface)
			continue
		}
		for i := range iface.NumMethod() {
			m := iface.Method(i)
			if seen[m.Name] {
				continue
			}
			seen[m.Name] = true
			t.Run(m.Name, func(t *testing.T) { checkMethod(t, rec, reflect.ValueOf(w).MethodByName(m.Name), m) })
		}
	}
	if len(seen) < 36 { // terraform-plugin-go v0.31 has 36
		t.Errorf("only %d methods checked: the interfaces' method sets were not walked", len(seen))
	}
}

func checkMethod(t *testing.T, rec *recorder, method reflect.Value, m reflect.Method) {
	ctx := context.WithValue(t.Context(), payloadKey{}, m.Name)
	out := method.Call([]reflect.Value{reflect.ValueOf(ctx), reflect.New(m.Type.In(1).Elem())})
	if err, _ := out[1].Interface().(error); err != nil || out[0].IsNil() {
		t.Fatalf("answer %v, error %v", out[0], err)
	}
	call, _, called := rec.get(m.Name)
	switch {
	case !called:
		t.Fatal("did not reach the server: neither wrapped nor forwarded")
	case call.value != m.Name || call.err != nil:
		t.Fatalf("the server saw value %v and error %v in its context, want the request's", call.value, call.err)
	}
	field, streamed := streamedMethods[m.Name]
	if !streamed {
		if call.ctx.Err() == nil || call.ctx.Value(payloadKey{}) != nil {
			t.Fatal("the context is not released once the request is answered: wrap the method with call")
		}
		return
	}
	if call.ctx.Err() != nil {
		t.Fatal("the context is released before the stream is consumed")
	}
	seq := out[0].Elem().FieldByName(field)
	push := reflect.MakeFunc(seq.Type().In(0), func([]reflect.Value) []reflect.Value {
		return []reflect.Value{reflect.ValueOf(true)}
	})
	seq.Call([]reflect.Value{push})
	_, during, _ := rec.get(m.Name)
	if during.value != m.Name || during.err != nil {
		t.Fatalf("while the stream was consumed the server saw value %v and error %v", during.value, during.err)
	}
	if call.ctx.Err() == nil || call.ctx.Value(payloadKey{}) != nil {
		t.Fatal("the context is not released once the stream has been consumed")
	}
}

func TestReleasing_streamStoppedByTerraformIsReleased(t *testing.T) {
	rec := newRecorder()
	w, ok := Releasing(fullServer{rec}).(tfprotov6.ListResourceServer)
	if !ok {
		t.Fatal("the wrapper of a list resource server is not one")
	}
	stream, err := w.ListResource(t.Context(), &tfprotov6.ListResourceRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for range stream.Results {
		break // as tf6server does when its context is done
	}
	if call, _, _ := rec.get("ListResource"); call.ctx.Err() == nil {
		t.Error("the context of a stream stopped early is not released")
	}
}

// TestReleasing_optionalInterfacesFollowTheServer: the wrapper claims an optional interface
// exactly when the wrapped server has it, so that tf6server answers as it would without it.
func TestReleasing_optionalInterfacesFollowTheServer(t *testing.T) {
	full := fullServer{newRecorder()}
	actions := reflect.TypeFor[tfprotov6.ActionServer]()
	lists := reflect.TypeFor[tfprotov6.ListResourceServer]()
	stores := reflect.TypeFor[tfprotov6.StateStoreServer]()
	servers := []tfprotov6.ProviderServer{
		struct{ tfprotov6.ProviderServer }{full},
		struct {
			tfprotov6.ProviderServer
			tfprotov6.ActionServer
		}{full, full},
		struct {
			tfprotov6.ProviderServer
			tfprotov6.ListResourceServer
		}{full, full},
		struct {
			tfprotov6.ProviderServer
			tfprotov6.StateStoreServer
		}{full, full},
		struct {
			tfprotov6.ProviderServer
			tfprotov6.ActionServer
			tfprotov6.ListResourceServer
		}{full, full, full},
		struct {
			tfprotov6.ProviderServer
			tfprotov6.ActionServer
			tfprotov6.StateStoreServer
		}{full, full, full},
		struct {
			tfprotov6.ProviderServer
			tfprotov6.ListResourceServer
			tfprotov6.StateStoreServer
		}{full, full, full},
		full,
	}
	for _, s := range servers {
		st, wt := reflect.TypeOf(s), reflect.TypeOf(Releasing(s))
		for _, iface := range []reflect.Type{actions, lists, stores} {
			if st.Implements(iface) != wt.Implements(iface) {
				t.Errorf("server %v implements %s: %v, its wrapper: %v", st, iface.Name(), st.Implements(iface), wt.Implements(iface))
			}
		}
	}
}

// TestReleasing_knowsEveryOptionalInterface reads tf6server's source for the interfaces it
// asserts on its server: one that a newer terraform-plugin-go adds must be forwarded too.
func TestReleasing_knowsEveryOptionalInterface(t *testing.T) {
	out, err := exec.CommandContext(t.Context(), "go", "list", "-f", "{{.Dir}}", "github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	files, err := filepath.Glob(filepath.Join(strings.TrimSpace(string(out)), "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no tf6server source (%v)", err)
	}
	asserted := map[string]bool{}
	fset := token.NewFileSet()
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, file, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			ta, ok := n.(*ast.TypeAssertExpr)
			if !ok {
				return true
			}
			if x, ok := ta.X.(*ast.SelectorExpr); !ok || x.Sel.Name != "downstream" {
				return true
			}
			if sel, ok := ta.Type.(*ast.SelectorExpr); ok {
				asserted[sel.Sel.Name] = true
			}
			return true
		})
	}
	if len(asserted) == 0 {
		t.Fatal("found no type assertion on tf6server's downstream server: has its source changed shape?")
	}
	for name := range asserted {
		if _, ok := optionalInterfaces[name]; !ok {
			t.Errorf("tf6server asserts tfprotov6.%s on its server: forward it in Releasing and list it here", name)
		}
	}
	for name := range optionalInterfaces {
		if !asserted[name] {
			t.Errorf("tf6server no longer asserts tfprotov6.%s: drop it", name)
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
