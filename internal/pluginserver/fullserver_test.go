package pluginserver

import (
	"context"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// fullServer implements every method of tfprotov6.ProviderServer and of the optional server
// interfaces, recording the name and context of each call. The streamed answers record their
// context again while they are consumed.
type fullServer struct{ rec *recorder }

func (s fullServer) GetMetadata(ctx context.Context, _ *tfprotov6.GetMetadataRequest) (*tfprotov6.GetMetadataResponse, error) {
	s.rec.called("GetMetadata", ctx)
	return &tfprotov6.GetMetadataResponse{}, nil
}

func (s fullServer) GetProviderSchema(ctx context.Context, _ *tfprotov6.GetProviderSchemaRequest) (*tfprotov6.GetProviderSchemaResponse, error) {
	s.rec.called("GetProviderSchema", ctx)
	return &tfprotov6.GetProviderSchemaResponse{}, nil
}

func (s fullServer) GetResourceIdentitySchemas(ctx context.Context, _ *tfprotov6.GetResourceIdentitySchemasRequest) (*tfprotov6.GetResourceIdentitySchemasResponse, error) {
	s.rec.called("GetResourceIdentitySchemas", ctx)
	return &tfprotov6.GetResourceIdentitySchemasResponse{}, nil
}

func (s fullServer) ValidateProviderConfig(ctx context.Context, _ *tfprotov6.ValidateProviderConfigRequest) (*tfprotov6.ValidateProviderConfigResponse, error) {
	s.rec.called("ValidateProviderConfig", ctx)
	return &tfprotov6.ValidateProviderConfigResponse{}, nil
}

func (s fullServer) ConfigureProvider(ctx context.Context, _ *tfprotov6.ConfigureProviderRequest) (*tfprotov6.ConfigureProviderResponse, error) {
	s.rec.called("ConfigureProvider", ctx)
	return &tfprotov6.ConfigureProviderResponse{}, nil
}

func (s fullServer) StopProvider(ctx context.Context, _ *tfprotov6.StopProviderRequest) (*tfprotov6.StopProviderResponse, error) {
	s.rec.called("StopProvider", ctx)
	return &tfprotov6.StopProviderResponse{}, nil
}

func (s fullServer) ValidateResourceConfig(ctx context.Context, _ *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	s.rec.called("ValidateResourceConfig", ctx)
	return &tfprotov6.ValidateResourceConfigResponse{}, nil
}

func (s fullServer) UpgradeResourceState(ctx context.Context, _ *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	s.rec.called("UpgradeResourceState", ctx)
	return &tfprotov6.UpgradeResourceStateResponse{}, nil
}

func (s fullServer) ReadResource(ctx context.Context, _ *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	s.rec.called("ReadResource", ctx)
	return &tfprotov6.ReadResourceResponse{}, nil
}

func (s fullServer) PlanResourceChange(ctx context.Context, _ *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	s.rec.called("PlanResourceChange", ctx)
	return &tfprotov6.PlanResourceChangeResponse{}, nil
}

func (s fullServer) ApplyResourceChange(ctx context.Context, _ *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	s.rec.called("ApplyResourceChange", ctx)
	return &tfprotov6.ApplyResourceChangeResponse{}, nil
}

func (s fullServer) ImportResourceState(ctx context.Context, _ *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	s.rec.called("ImportResourceState", ctx)
	return &tfprotov6.ImportResourceStateResponse{}, nil
}

func (s fullServer) MoveResourceState(ctx context.Context, _ *tfprotov6.MoveResourceStateRequest) (*tfprotov6.MoveResourceStateResponse, error) {
	s.rec.called("MoveResourceState", ctx)
	return &tfprotov6.MoveResourceStateResponse{}, nil
}

func (s fullServer) UpgradeResourceIdentity(ctx context.Context, _ *tfprotov6.UpgradeResourceIdentityRequest) (*tfprotov6.UpgradeResourceIdentityResponse, error) {
	s.rec.called("UpgradeResourceIdentity", ctx)
	return &tfprotov6.UpgradeResourceIdentityResponse{}, nil
}

func (s fullServer) GenerateResourceConfig(ctx context.Context, _ *tfprotov6.GenerateResourceConfigRequest) (*tfprotov6.GenerateResourceConfigResponse, error) {
	s.rec.called("GenerateResourceConfig", ctx)
	return &tfprotov6.GenerateResourceConfigResponse{}, nil
}

func (s fullServer) ValidateDataResourceConfig(ctx context.Context, _ *tfprotov6.ValidateDataResourceConfigRequest) (*tfprotov6.ValidateDataResourceConfigResponse, error) {
	s.rec.called("ValidateDataResourceConfig", ctx)
	return &tfprotov6.ValidateDataResourceConfigResponse{}, nil
}

func (s fullServer) ReadDataSource(ctx context.Context, _ *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	s.rec.called("ReadDataSource", ctx)
	return &tfprotov6.ReadDataSourceResponse{}, nil
}

func (s fullServer) CallFunction(ctx context.Context, _ *tfprotov6.CallFunctionRequest) (*tfprotov6.CallFunctionResponse, error) {
	s.rec.called("CallFunction", ctx)
	return &tfprotov6.CallFunctionResponse{}, nil
}

func (s fullServer) GetFunctions(ctx context.Context, _ *tfprotov6.GetFunctionsRequest) (*tfprotov6.GetFunctionsResponse, error) {
	s.rec.called("GetFunctions", ctx)
	return &tfprotov6.GetFunctionsResponse{}, nil
}

func (s fullServer) ValidateEphemeralResourceConfig(ctx context.Context, _ *tfprotov6.ValidateEphemeralResourceConfigRequest) (*tfprotov6.ValidateEphemeralResourceConfigResponse, error) {
	s.rec.called("ValidateEphemeralResourceConfig", ctx)
	return &tfprotov6.ValidateEphemeralResourceConfigResponse{}, nil
}

func (s fullServer) OpenEphemeralResource(ctx context.Context, _ *tfprotov6.OpenEphemeralResourceRequest) (*tfprotov6.OpenEphemeralResourceResponse, error) {
	s.rec.called("OpenEphemeralResource", ctx)
	return &tfprotov6.OpenEphemeralResourceResponse{}, nil
}

func (s fullServer) RenewEphemeralResource(ctx context.Context, _ *tfprotov6.RenewEphemeralResourceRequest) (*tfprotov6.RenewEphemeralResourceResponse, error) {
	s.rec.called("RenewEphemeralResource", ctx)
	return &tfprotov6.RenewEphemeralResourceResponse{}, nil
}

func (s fullServer) CloseEphemeralResource(ctx context.Context, _ *tfprotov6.CloseEphemeralResourceRequest) (*tfprotov6.CloseEphemeralResourceResponse, error) {
	s.rec.called("CloseEphemeralResource", ctx)
	return &tfprotov6.CloseEphemeralResourceResponse{}, nil
}

func (s fullServer) ValidateActionConfig(ctx context.Context, _ *tfprotov6.ValidateActionConfigRequest) (*tfprotov6.ValidateActionConfigResponse, error) {
	s.rec.called("ValidateActionConfig", ctx)
	return &tfprotov6.ValidateActionConfigResponse{}, nil
}

func (s fullServer) PlanAction(ctx context.Context, _ *tfprotov6.PlanActionRequest) (*tfprotov6.PlanActionResponse, error) {
	s.rec.called("PlanAction", ctx)
	return &tfprotov6.PlanActionResponse{}, nil
}

func (s fullServer) ValidateListResourceConfig(ctx context.Context, _ *tfprotov6.ValidateListResourceConfigRequest) (*tfprotov6.ValidateListResourceConfigResponse, error) {
	s.rec.called("ValidateListResourceConfig", ctx)
	return &tfprotov6.ValidateListResourceConfigResponse{}, nil
}

func (s fullServer) ValidateStateStoreConfig(ctx context.Context, _ *tfprotov6.ValidateStateStoreConfigRequest) (*tfprotov6.ValidateStateStoreConfigResponse, error) {
	s.rec.called("ValidateStateStoreConfig", ctx)
	return &tfprotov6.ValidateStateStoreConfigResponse{}, nil
}

func (s fullServer) ConfigureStateStore(ctx context.Context, _ *tfprotov6.ConfigureStateStoreRequest) (*tfprotov6.ConfigureStateStoreResponse, error) {
	s.rec.called("ConfigureStateStore", ctx)
	return &tfprotov6.ConfigureStateStoreResponse{}, nil
}

func (s fullServer) GetStates(ctx context.Context, _ *tfprotov6.GetStatesRequest) (*tfprotov6.GetStatesResponse, error) {
	s.rec.called("GetStates", ctx)
	return &tfprotov6.GetStatesResponse{}, nil
}

func (s fullServer) DeleteState(ctx context.Context, _ *tfprotov6.DeleteStateRequest) (*tfprotov6.DeleteStateResponse, error) {
	s.rec.called("DeleteState", ctx)
	return &tfprotov6.DeleteStateResponse{}, nil
}

func (s fullServer) LockState(ctx context.Context, _ *tfprotov6.LockStateRequest) (*tfprotov6.LockStateResponse, error) {
	s.rec.called("LockState", ctx)
	return &tfprotov6.LockStateResponse{}, nil
}

func (s fullServer) UnlockState(ctx context.Context, _ *tfprotov6.UnlockStateRequest) (*tfprotov6.UnlockStateResponse, error) {
	s.rec.called("UnlockState", ctx)
	return &tfprotov6.UnlockStateResponse{}, nil
}

func (s fullServer) WriteStateBytes(ctx context.Context, _ *tfprotov6.WriteStateBytesStream) (*tfprotov6.WriteStateBytesResponse, error) {
	s.rec.called("WriteStateBytes", ctx)
	return &tfprotov6.WriteStateBytesResponse{}, nil
}

func (s fullServer) InvokeAction(ctx context.Context, _ *tfprotov6.InvokeActionRequest) (*tfprotov6.InvokeActionServerStream, error) {
	s.rec.called("InvokeAction", ctx)
	return &tfprotov6.InvokeActionServerStream{Events: func(push func(tfprotov6.InvokeActionEvent) bool) {
		s.rec.streaming("InvokeAction", ctx)
		push(tfprotov6.InvokeActionEvent{})
	}}, nil
}

func (s fullServer) ListResource(ctx context.Context, _ *tfprotov6.ListResourceRequest) (*tfprotov6.ListResourceServerStream, error) {
	s.rec.called("ListResource", ctx)
	return &tfprotov6.ListResourceServerStream{Results: func(push func(tfprotov6.ListResourceResult) bool) {
		s.rec.streaming("ListResource", ctx)
		push(tfprotov6.ListResourceResult{})
	}}, nil
}

func (s fullServer) ReadStateBytes(ctx context.Context, _ *tfprotov6.ReadStateBytesRequest) (*tfprotov6.ReadStateBytesStream, error) {
	s.rec.called("ReadStateBytes", ctx)
	return &tfprotov6.ReadStateBytesStream{Chunks: func(push func(tfprotov6.ReadStateByteChunk) bool) {
		s.rec.streaming("ReadStateBytes", ctx)
		push(tfprotov6.ReadStateByteChunk{})
	}}, nil
}
