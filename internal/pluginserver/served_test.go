package pluginserver

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/dynamicpb"

	dliprovider "github.com/dli-tf/terraform-provider-dli/internal/provider"
)

// servedProvider serves newProvider as the provider binary does (tf6server behind Releasing)
// in this process, and returns a gRPC connection to it: the RPCs go through tf6server's own
// type assertions, which the in-process test servers of terraform-plugin-testing bypass.
func servedProvider(t *testing.T, newProvider func() provider.Provider) *grpc.ClientConn {
	t.Helper()
	for _, name := range []string{"TF_LOG", "TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK"} {
		t.Setenv(name, "off") // the plugin libraries log every RPC at trace level otherwise
	}
	ctx, cancel := context.WithCancel(context.Background())
	reattach := make(chan *plugin.ReattachConfig, 1)
	closed := make(chan struct{})
	served := make(chan error, 1)
	go func() {
		served <- serve("registry.terraform.io/test/fake", newProvider,
			tf6server.WithDebug(ctx, reattach, closed), tf6server.WithGoPluginLogger(hclog.NewNullLogger()))
	}()
	var rc *plugin.ReattachConfig
	select {
	case rc = <-reattach:
	case err := <-served:
		cancel()
		t.Fatalf("serve returned before listening: %v", err)
	case <-time.After(time.Minute):
		cancel()
		t.Fatal("the provider did not start serving within a minute")
	}
	target := rc.Addr.String()
	if rc.Addr.Network() == "unix" {
		target = "unix://" + target
	}
	conn, err := grpc.NewClient(target, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = conn.Close()
		cancel()
		<-closed
	})
	return conn
}

// message builds a tfplugin6 message from its protojson form; the generated types are
// internal to terraform-plugin-go, their descriptors are not.
func message(t *testing.T, name, js string) *dynamicpb.Message {
	t.Helper()
	d, err := protoregistry.GlobalFiles.FindDescriptorByName(protoreflect.FullName("tfplugin6." + name))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	md, ok := d.(protoreflect.MessageDescriptor)
	if !ok {
		t.Fatalf("%s is not a message", name)
	}
	m := dynamicpb.NewMessage(md)
	if err := protojson.Unmarshal([]byte(js), m); err != nil {
		t.Fatalf("%s from %s: %v", name, js, err)
	}
	return m
}

// decoded is a response message as protojson writes it.
type decoded struct {
	Diagnostics   []map[string]any `json:"diagnostics"`
	Diagnostic    []map[string]any `json:"diagnostic"` // ListResource.Event's name for it
	Actions       []map[string]any `json:"actions"`
	ListResources []map[string]any `json:"listResources"`
	DisplayName   string           `json:"displayName"`
	Progress      *struct {
		Message string `json:"message"`
	} `json:"progress"`
	Completed *struct {
		Diagnostics []map[string]any `json:"diagnostics"`
	} `json:"completed"`
}

func decode(t *testing.T, m *dynamicpb.Message) decoded {
	t.Helper()
	b, err := protojson.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var d decoded
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	return d
}

func unary(t *testing.T, conn *grpc.ClientConn, method, req string) decoded {
	t.Helper()
	resp := message(t, method+".Response", "{}")
	if err := conn.Invoke(t.Context(), "/tfplugin6.Provider/"+method, message(t, method+".Request", req), resp); err != nil {
		t.Fatalf("%s: %v", method, err)
	}
	return decode(t, resp)
}

// streamed sends a request of a server-streaming RPC and returns a function that receives the
// next event (false at the end of the stream).
func streamed(t *testing.T, conn *grpc.ClientConn, method, req string) func() (decoded, bool) {
	t.Helper()
	s, err := conn.NewStream(t.Context(), &grpc.StreamDesc{ServerStreams: true}, "/tfplugin6.Provider/"+method)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SendMsg(message(t, method+".Request", req)); err != nil {
		t.Fatal(err)
	}
	if err := s.CloseSend(); err != nil {
		t.Fatal(err)
	}
	return func() (decoded, bool) {
		ev := message(t, method+".Event", "{}")
		if err := s.RecvMsg(ev); errors.Is(err, io.EOF) {
			return decoded{}, false
		} else if err != nil {
			t.Fatalf("%s: %v", method, err)
		}
		return decode(t, ev), true
	}
}

// msgpack is the protojson form of a DynamicValue holding attrs as an object of strings.
func msgpack(t *testing.T, attrs map[string]string) string {
	t.Helper()
	types, values := map[string]tftypes.Type{}, map[string]tftypes.Value{}
	for k, v := range attrs {
		types[k] = tftypes.String
		values[k] = tftypes.NewValue(tftypes.String, v)
	}
	obj := tftypes.Object{AttributeTypes: types}
	dv, err := tfprotov6.NewDynamicValue(obj, tftypes.NewValue(obj, values))
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf(`{"msgpack":%q}`, base64.StdEncoding.EncodeToString(dv.MsgPack))
}

func noErrors(t *testing.T, rpc string, diags []map[string]any) {
	t.Helper()
	for _, d := range diags {
		if d["severity"] == "ERROR" {
			t.Errorf("%s: %v: %v", rpc, d["summary"], d["detail"])
		}
	}
}

func TestServed_actionReachesTheProviderAndKeepsItsContextWhileStreaming(t *testing.T) {
	seen := newFakeSeen()
	conn := servedProvider(t, func() provider.Provider { return fakeProvider{seen} })

	meta := unary(t, conn, "GetMetadata", "{}")
	if fmt.Sprint(meta.Actions) != "[map[typeName:fake_wait]]" {
		t.Errorf("GetMetadata actions = %v, want fake_wait", meta.Actions)
	}
	config := msgpack(t, map[string]string{"label": "one"})
	noErrors(t, "ValidateActionConfig", unary(t, conn, "ValidateActionConfig", `{"actionType":"fake_wait","config":`+config+`}`).Diagnostics)
	noErrors(t, "PlanAction", unary(t, conn, "PlanAction", `{"actionType":"fake_wait","config":`+config+`}`).Diagnostics)
	if seen.validateAction.Load() != 1 || seen.planAction.Load() != 1 {
		t.Errorf("the action's ValidateConfig ran %d times and ModifyPlan %d, want 1 and 1", seen.validateAction.Load(), seen.planAction.Load())
	}

	next := streamed(t, conn, "InvokeAction", `{"actionType":"fake_wait","config":`+config+`}`)
	first, ok := next()
	if !ok || first.Progress == nil || first.Progress.Message != "started one" {
		t.Fatalf("first event %+v, want progress \"started one\"", first)
	}
	close(seen.proceedAction) // the action goes on only now, well after InvokeAction returned
	var messages []string
	for ev, ok := next(); ok; ev, ok = next() {
		switch {
		case ev.Progress != nil:
			messages = append(messages, ev.Progress.Message)
		case ev.Completed != nil:
			noErrors(t, "InvokeAction", ev.Completed.Diagnostics)
			messages = append(messages, "completed")
		}
	}
	if got := strings.Join(messages, ", "); got != "context alive, completed" {
		t.Errorf("events after the first: %s, want \"context alive, completed\"", got)
	}
}

func TestServed_listResourceReachesTheProviderAndKeepsItsContextWhileStreaming(t *testing.T) {
	seen := newFakeSeen()
	conn := servedProvider(t, func() provider.Provider { return fakeProvider{seen} })

	meta := unary(t, conn, "GetMetadata", "{}")
	if fmt.Sprint(meta.ListResources) != "[map[typeName:fake_thing]]" {
		t.Errorf("GetMetadata list resources = %v, want fake_thing", meta.ListResources)
	}
	config := msgpack(t, nil)
	noErrors(t, "ValidateListResourceConfig", unary(t, conn, "ValidateListResourceConfig", `{"typeName":"fake_thing","config":`+config+`}`).Diagnostics)
	if seen.validateList.Load() != 1 {
		t.Errorf("the list resource's ValidateListResourceConfig ran %d times, want 1", seen.validateList.Load())
	}

	next := streamed(t, conn, "ListResource", `{"typeName":"fake_thing","config":`+config+`,"limit":10}`)
	first, ok := next()
	if !ok || first.DisplayName != "first" {
		t.Fatalf("first result %+v, want \"first\"", first)
	}
	noErrors(t, "ListResource", first.Diagnostic)
	close(seen.proceedList)
	var names []string
	for ev, ok := next(); ok; ev, ok = next() {
		noErrors(t, "ListResource", ev.Diagnostic)
		names = append(names, ev.DisplayName)
	}
	if got := strings.Join(names, ", "); got != "context alive" {
		t.Errorf("results after the first: %s, want \"context alive\"", got)
	}
}

// TestServed_dliProviderAnswersActionAndListRPCs: the provider this binary serves answers the
// action and list RPCs itself (for a type it does not have, with its own error), rather than
// tf6server's "Not Implemented".
func TestServed_dliProviderAnswersActionAndListRPCs(t *testing.T) {
	conn := servedProvider(t, dliprovider.New("test"))
	config := msgpack(t, nil)
	for _, rpc := range []struct{ method, req string }{
		{"ValidateActionConfig", `{"actionType":"dli_no_such_action","config":` + config + `}`},
		{"PlanAction", `{"actionType":"dli_no_such_action","config":` + config + `}`},
		{"ValidateListResourceConfig", `{"typeName":"dli_no_such_list","config":` + config + `}`},
	} {
		diags := unary(t, conn, rpc.method, rpc.req).Diagnostics
		if len(diags) == 0 {
			t.Errorf("%s of an unknown type: no diagnostic", rpc.method)
		}
		for _, d := range diags {
			if summary, _ := d["summary"].(string); strings.Contains(summary, "Not Implemented") {
				t.Errorf("%s: %s", rpc.method, summary)
			}
		}
	}
}
