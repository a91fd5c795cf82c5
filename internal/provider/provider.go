// Package provider holds the Terraform glue of the DLI provider: schemas, validators, plan
// modifiers, diagnostics and the mapping between Terraform values and client types. It never
// builds an HTTP request; everything on the wire goes through internal/client.
package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/dli-tf/terraform-provider-dli/internal/client"
)

var (
	_ provider.Provider                  = (*dliProvider)(nil)
	_ provider.ProviderWithListResources = (*dliProvider)(nil)
	_ provider.ProviderWithActions       = (*dliProvider)(nil)
)

// New returns a constructor of the provider, stamped with the release version.
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &dliProvider{version: version}
	}
}

type dliProvider struct {
	version string
}

// providerModel is the provider block as written by the user; unset values fall back to the
// HW_* environment variables in resolveConfig.
type providerModel struct {
	Region        types.String `tfsdk:"region"`
	ProjectID     types.String `tfsdk:"project_id"`
	AccessKey     types.String `tfsdk:"access_key"`
	SecretKey     types.String `tfsdk:"secret_key"`
	SecurityToken types.String `tfsdk:"security_token"`
	AuthToken     types.String `tfsdk:"auth_token"`
	Endpoint      types.String `tfsdk:"endpoint"`
	Insecure      types.Bool   `tfsdk:"insecure"`
	MaxRetries    types.Int64  `tfsdk:"max_retries"`
	ProjectName   types.String `tfsdk:"project_name"`
	IAMEndpoint   types.String `tfsdk:"iam_endpoint"`
	UserName      types.String `tfsdk:"user_name"`
	Password      types.String `tfsdk:"password"`
	DomainName    types.String `tfsdk:"domain_name"`
	AssumeRole    types.Object `tfsdk:"assume_role"`
}

func (p *dliProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "dli"
	resp.Version = p.version
}

func (p *dliProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The DLI provider runs Spark batch jobs, SQL statements and Flink streaming jobs on Huawei " +
			"Cloud [Data Lake Insight](https://www.huaweicloud.com/intl/en-us/product/dli.html), and manages the queues " +
			"and elastic resource pools they run on. Destroy cancels or stops what apply started, and no submission is " +
			"ever sent twice.\n\n" +
			"Set the region and your keys; that's all: the project is found from the region. Authenticate with one of:\n\n" +
			"* **AK/SK**: `access_key` and `secret_key`; every request is signed with SDK-HMAC-SHA256.\n" +
			"* **Temporary AK/SK**: the same plus `security_token`, as issued by IAM for agencies and federated users.\n" +
			"* **IAM token**: `auth_token`, sent as `X-Auth-Token`. Tokens expire after 24 hours.\n" +
			"* **Password**: `user_name`, `password` and `domain_name`; the provider gets a token from IAM and renews it.\n\n" +
			"Add an `assume_role` block to work with the temporary keys of an agency instead. " +
			"Every argument falls back to its environment variable (the names of Huawei's own provider), so a provider " +
			"block can be empty. Misconfigurations are reported at plan time, on the offending argument.",
		Attributes: map[string]schema.Attribute{
			"region": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Huawei Cloud region of the DLI service, such as `cn-north-4`. Selects the default " +
					"endpoint `https://dli.{region}.myhuaweicloud.com`. Required unless `endpoint` is set. Environment: `" + envRegion + "`.",
			},
			"project_id": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "ID of the project (1 to 64 letters and digits) that owns the jobs; it is part of every " +
					"API path. When unset, the provider asks IAM once for the project named `project_name` (default: the " +
					"region), and fails if there is none or several. Environment: `" + envProjectID + "`.",
			},
			"access_key": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Access key ID (AK) for signed requests. Needs `secret_key`. Environment: `" + envAccessKey + "`.",
			},
			"secret_key": schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				MarkdownDescription: "Secret access key (SK) that signs requests. It never leaves the provider: only " +
					"signatures are sent, and it is never logged. Environment: `" + envSecretKey + "`.",
			},
			"security_token": schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				MarkdownDescription: "Security token of temporary AK/SK credentials, sent as `X-Security-Token` and covered " +
					"by the signature. Needs `access_key`. Environment: `" + envSecurityToken + "`.",
			},
			"auth_token": schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				MarkdownDescription: "Project-scoped IAM token, sent as `X-Auth-Token`. Use it instead of an AK/SK pair, " +
					"not together with one. Environment: `" + envAuthToken + "`.",
			},
			"endpoint": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Base URL of the DLI API. Defaults to `https://dli.{region}.myhuaweicloud.com`. Set it " +
					"for private endpoints or for the local emulator (`http://127.0.0.1:8787`). Plain `http://` is only " +
					"accepted for loopback hosts, so that signed requests never cross a network in clear text. " +
					"Environment: `" + envEndpoint + "`.",
			},
			"insecure": schema.BoolAttribute{
				Optional:            true,
				MarkdownDescription: "Skip TLS certificate verification. For test endpoints only. Environment: `" + envInsecure + "`.",
			},
			"max_retries": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: "How many times a failed request is retried (connection errors, throttling, and 5xx " +
					"answers to reads and cancels). A submission is re-sent only when it provably did not reach DLI, or when no " +
					"job carrying its submission marker exists (see `dli_batch_job`). " +
					"Defaults to 5. Environment: `" + envMaxRetries + "`.",
				Validators: []validator.Int64{int64validator.Between(0, maxRetriesLimit)},
			},
			"project_name": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Name of the project to look up when `project_id` is not set. Defaults to the region. " +
					"Environment: `" + envProjectName + "`.",
			},
			"iam_endpoint": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Base URL of IAM, for the project lookup, password login and agencies. Defaults to " +
					"`https://iam.{region}.myhuaweicloud.com`. Set it for private clouds or the local emulator; plain `http://` " +
					"only for loopback hosts. Environment: `" + envIAMEndpoint + "`.",
			},
			"user_name": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "IAM user name for password login. Needs `password` and `domain_name`. Environment: `" + envUserName + "`.",
			},
			"password": schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				MarkdownDescription: "Password of `user_name`. The provider exchanges it for a project-scoped IAM token, renewed " +
					"when it expires; it is never logged. Environment: `" + envPassword + "`.",
			},
			"domain_name": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Account (domain) name of `user_name`, for password login. Environment: `" + envDomainName + "`.",
			},
		},
		Blocks: map[string]schema.Block{
			"assume_role": schema.SingleNestedBlock{
				MarkdownDescription: "Work with the temporary keys of an agency (a role another account delegates to you). The " +
					"provider asks IAM for them with the credentials above, signs every DLI call with them, and renews them before " +
					"they expire. Without the block, setting both `" + envAgencyName + "` and `" + envAgencyDomainName + "` has the " +
					"same effect.",
				Attributes: map[string]schema.Attribute{
					"agency_name": schema.StringAttribute{
						Optional:            true,
						MarkdownDescription: "Name of the agency. Required. Environment: `" + envAgencyName + "`.",
					},
					"domain_name": schema.StringAttribute{
						Optional:            true,
						MarkdownDescription: "Name of the account that created the agency. Required. Environment: `" + envAgencyDomainName + "`.",
					},
					"duration": schema.Int64Attribute{
						Optional: true,
						MarkdownDescription: "How long each set of temporary keys lasts, in seconds (900 to 86400). Defaults to " +
							"IAM's 900. Environment: `" + envAgencyDuration + "`.",
						Validators: []validator.Int64{int64validator.Between(minAgencySeconds, maxAgencySeconds)},
					},
				},
			},
		},
	}
}

func (p *dliProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var model providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &model)...)
	if resp.Diagnostics.HasError() {
		return
	}

	cfg, known, diags := resolveConfig(model, lookupEnv)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() || !known {
		// Values from other resources are not known yet; resources report it if they need the API.
		return
	}
	cfg.UserAgent = userAgent(p.version, req.TerraformVersion)

	// Signs in (password, agency) and finds the project when needed: once per configuration, at
	// plan time, so that a refused login or a missing project fails the plan.
	c, err := client.SignIn(ctx, cfg)
	if err != nil {
		resp.Diagnostics.Append(signInDiagnostic(err))
		return
	}
	tflog.Debug(ctx, "configured DLI client", map[string]any{
		"endpoint": cfg.Endpoint, "project_id": c.ProjectID(), "auth": authMode(cfg),
	})
	resp.ResourceData = c
	resp.DataSourceData = c
	resp.ActionData = c
	resp.ListResourceData = c
}

func (p *dliProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewBatchJobResource,
		NewSQLJobResource,
		NewQueueResource,
		NewElasticResourcePoolResource,
		NewFlinkSQLJobResource,
		NewFlinkJarJobResource,
	}
}

func (p *dliProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewBatchJobDataSource,
		NewBatchJobsDataSource,
		NewBatchJobLogDataSource,
		NewSQLJobDataSource,
		NewSQLJobsDataSource,
		NewSQLJobResultDataSource,
		NewQueueDataSource,
		NewQueuesDataSource,
		NewElasticResourcePoolDataSource,
		NewElasticResourcePoolsDataSource,
		NewFlinkJobDataSource,
		NewFlinkJobsDataSource,
	}
}

func (p *dliProvider) Actions(_ context.Context) []func() action.Action {
	return []func() action.Action{
		NewBatchJobCancelAction,
		NewBatchJobRunAction,
		NewSQLJobCancelAction,
		NewFlinkJobStopAction,
	}
}

func (p *dliProvider) ListResources(_ context.Context) []func() list.ListResource {
	return []func() list.ListResource{
		NewBatchJobListResource,
		NewSQLJobListResource,
		NewFlinkSQLJobListResource,
		NewFlinkJarJobListResource,
		NewQueueListResource,
		NewElasticResourcePoolListResource,
	}
}

func userAgent(providerVersion, terraformVersion string) string {
	if terraformVersion == "" {
		terraformVersion = "unknown"
	}
	return "terraform-provider-dli/" + providerVersion + " Terraform/" + terraformVersion
}

func authMode(cfg client.Config) string {
	switch {
	case cfg.AssumeRole != nil:
		return "agency"
	case cfg.UserName != "":
		return "password"
	case cfg.AuthToken != "":
		return "token"
	case cfg.SecurityToken != "":
		return "temporary-aksk"
	default:
		return "aksk"
	}
}
