package pluginserver

import (
	"context"
	"runtime"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/dli-tf/terraform-provider-dli/internal/provider"
)

type payloadKey struct{}

// serveRequests answers n GetMetadata requests, each with 1 MiB in its context, and returns the
// heap still in use afterwards.
func serveRequests(t *testing.T, srv tfprotov6.ProviderServer, n int) uint64 {
	t.Helper()
	for i := 0; i < n; i++ {
		ctx, cancel := context.WithCancel(context.WithValue(context.Background(), payloadKey{}, make([]byte, 1<<20)))
		if _, err := srv.GetMetadata(ctx, &tfprotov6.GetMetadataRequest{}); err != nil {
			t.Fatal(err)
		}
		cancel() // as gRPC does when a request ends
	}
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	runtime.KeepAlive(srv) // a serving provider keeps its server, and whatever the server keeps
	return m.HeapAlloc
}

func TestReleasing_requestContextsAreNotRetained(t *testing.T) {
	srv := Releasing(providerserver.NewProtocol6(provider.New("test")())())
	// 200 requests of 1 MiB each: the framework alone would keep all 200 MiB.
	if heap := serveRequests(t, srv, 200); heap > 64<<20 {
		t.Fatalf("%d MiB still in use after 200 requests: request contexts are retained", heap>>20)
	}
}

func TestReleasing_contextWorksDuringTheRequestOnly(t *testing.T) {
	var seen context.Context
	srv := Releasing(recordingServer{record: func(ctx context.Context) {
		if ctx.Value(payloadKey{}) != "payload" {
			t.Error("the request's values are not visible during the request")
		}
		if ctx.Err() != nil {
			t.Error("the context is done during the request")
		}
		seen = ctx
	}})
	ctx := context.WithValue(context.Background(), payloadKey{}, "payload")
	if _, err := srv.ReadResource(ctx, &tfprotov6.ReadResourceRequest{}); err != nil {
		t.Fatal(err)
	}
	if seen.Value(payloadKey{}) != nil {
		t.Error("a released context still reaches the request's values")
	}
	if seen.Err() == nil {
		t.Error("a released context is not done")
	}
}

func TestReleasing_cancellationReachesTheRequest(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	srv := Releasing(recordingServer{record: func(rc context.Context) {
		child, stop := context.WithCancel(rc) // as the framework derives its own
		defer stop()
		cancel()
		<-child.Done()
	}})
	if _, err := srv.ReadResource(ctx, &tfprotov6.ReadResourceRequest{}); err != nil {
		t.Fatal(err)
	}
}

func TestQuietLogsUnlessRequested(t *testing.T) {
	tests := []struct {
		name      string
		env       map[string]string
		wantQuiet bool
	}{
		{"nothing asked", map[string]string{}, true},
		{"blank TF_LOG", map[string]string{"TF_LOG": " "}, true},
		{"TF_LOG", map[string]string{"TF_LOG": "DEBUG"}, false},
		{"TF_LOG_PROVIDER", map[string]string{"TF_LOG_PROVIDER": "TRACE"}, false},
		{"this provider only", map[string]string{"TF_LOG_PROVIDER_DLI": "DEBUG"}, false},
		{"SDK only", map[string]string{"TF_LOG_SDK_FRAMEWORK": "TRACE"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set := map[string]string{}
			QuietLogsUnlessRequested(func(k string) (string, bool) { v, ok := tt.env[k]; return v, ok },
				func(k, v string) error { set[k] = v; return nil })
			quiet := set["TF_LOG_SDK"] == "off" && set["TF_LOG_SDK_PROTO"] == "off" &&
				set["TF_LOG_SDK_FRAMEWORK"] == "off" && set["TF_LOG_PROVIDER_DLI"] == "off"
			if quiet != tt.wantQuiet || (!tt.wantQuiet && len(set) != 0) {
				t.Errorf("set %v, want quiet=%v", set, tt.wantQuiet)
			}
		})
	}
}

// recordingServer calls record with the context of each ReadResource.
type recordingServer struct {
	tfprotov6.ProviderServer
	record func(context.Context)
}

func (s recordingServer) ReadResource(ctx context.Context, _ *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	s.record(ctx)
	return &tfprotov6.ReadResourceResponse{}, nil
}
