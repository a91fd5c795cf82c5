package pluginserver

import (
	"context"
	"iter"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// The optional server interfaces of terraform-plugin-go v0.31, which ProviderServer does not
// include yet. Each one's unary methods go through call; the streamed ones keep their
// context until Terraform has consumed the stream.

type actionServer struct{ down tfprotov6.ActionServer }

func (s actionServer) ValidateActionConfig(ctx context.Context, req *tfprotov6.ValidateActionConfigRequest) (*tfprotov6.ValidateActionConfigResponse, error) {
	return call(ctx, req, s.down.ValidateActionConfig)
}

func (s actionServer) PlanAction(ctx context.Context, req *tfprotov6.PlanActionRequest) (*tfprotov6.PlanActionResponse, error) {
	return call(ctx, req, s.down.PlanAction)
}

// InvokeAction: the framework runs the action inside Events.
func (s actionServer) InvokeAction(ctx context.Context, req *tfprotov6.InvokeActionRequest) (*tfprotov6.InvokeActionServerStream, error) {
	rc := newReleasableContext(ctx)
	stream, err := s.down.InvokeAction(rc, req)
	if err != nil || stream == nil || stream.Events == nil {
		rc.release()
		return stream, err
	}
	out := *stream
	out.Events = releaseAtEnd(rc, stream.Events)
	return &out, nil
}

type listServer struct{ down tfprotov6.ListResourceServer }

func (s listServer) ValidateListResourceConfig(ctx context.Context, req *tfprotov6.ValidateListResourceConfigRequest) (*tfprotov6.ValidateListResourceConfigResponse, error) {
	return call(ctx, req, s.down.ValidateListResourceConfig)
}

// ListResource: the framework runs the list resource's List inside Results.
func (s listServer) ListResource(ctx context.Context, req *tfprotov6.ListResourceRequest) (*tfprotov6.ListResourceServerStream, error) {
	rc := newReleasableContext(ctx)
	stream, err := s.down.ListResource(rc, req)
	if err != nil || stream == nil || stream.Results == nil {
		rc.release()
		return stream, err
	}
	out := *stream
	out.Results = releaseAtEnd(rc, stream.Results)
	return &out, nil
}

type stateStoreServer struct{ down tfprotov6.StateStoreServer }

func (s stateStoreServer) ValidateStateStoreConfig(ctx context.Context, req *tfprotov6.ValidateStateStoreConfigRequest) (*tfprotov6.ValidateStateStoreConfigResponse, error) {
	return call(ctx, req, s.down.ValidateStateStoreConfig)
}

func (s stateStoreServer) ConfigureStateStore(ctx context.Context, req *tfprotov6.ConfigureStateStoreRequest) (*tfprotov6.ConfigureStateStoreResponse, error) {
	return call(ctx, req, s.down.ConfigureStateStore)
}

func (s stateStoreServer) ReadStateBytes(ctx context.Context, req *tfprotov6.ReadStateBytesRequest) (*tfprotov6.ReadStateBytesStream, error) {
	rc := newReleasableContext(ctx)
	stream, err := s.down.ReadStateBytes(rc, req)
	if err != nil || stream == nil || stream.Chunks == nil {
		rc.release()
		return stream, err
	}
	out := *stream
	out.Chunks = releaseAtEnd(rc, stream.Chunks)
	return &out, nil
}

// WriteStateBytes consumes Terraform's stream before it returns.
func (s stateStoreServer) WriteStateBytes(ctx context.Context, req *tfprotov6.WriteStateBytesStream) (*tfprotov6.WriteStateBytesResponse, error) {
	return call(ctx, req, s.down.WriteStateBytes)
}

func (s stateStoreServer) GetStates(ctx context.Context, req *tfprotov6.GetStatesRequest) (*tfprotov6.GetStatesResponse, error) {
	return call(ctx, req, s.down.GetStates)
}

func (s stateStoreServer) DeleteState(ctx context.Context, req *tfprotov6.DeleteStateRequest) (*tfprotov6.DeleteStateResponse, error) {
	return call(ctx, req, s.down.DeleteState)
}

func (s stateStoreServer) LockState(ctx context.Context, req *tfprotov6.LockStateRequest) (*tfprotov6.LockStateResponse, error) {
	return call(ctx, req, s.down.LockState)
}

func (s stateStoreServer) UnlockState(ctx context.Context, req *tfprotov6.UnlockStateRequest) (*tfprotov6.UnlockStateResponse, error) {
	return call(ctx, req, s.down.UnlockState)
}

// releaseAtEnd releases rc when the stream seq has ended: consumed, or stopped by its consumer
// (which also tells a framework goroutine still working on it that nobody waits any more).
func releaseAtEnd[T any](rc *releasableContext, seq iter.Seq[T]) iter.Seq[T] {
	return func(push func(T) bool) {
		defer rc.release()
		seq(push)
	}
}
