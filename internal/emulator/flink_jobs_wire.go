package emulator

import (
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// Wire shapes of the Flink job answers (§3.1–§3.8). Unset optional strings
// are null, as in the documentation's examples; times are epoch ms.

type flinkCreateResponse struct {
	flinkOK
	Job flinkCreatedJob `json:"job"`
}

type flinkCreatedJob struct {
	JobID      int64  `json:"job_id"`
	StatusName string `json:"status_name"`
	StatusDesc string `json:"status_desc"`
}

type flinkUpdateResponse struct {
	flinkOK
	Job flinkUpdatedJob `json:"job"`
}

type flinkUpdatedJob struct {
	UpdateTime int64 `json:"update_time"`
}

type flinkDetailResponse struct {
	flinkOK
	JobDetail flinkDetail `json:"job_detail"`
}

type flinkListResponse struct {
	flinkOK
	JobList flinkJobList `json:"job_list"`
}

type flinkJobList struct {
	TotalCount int   `json:"total_count"`
	Jobs       []any `json:"jobs"` // flinkSummary, or flinkListDetail with show_detail
}

// flinkSummary is a list entry without show_detail. The documentation
// names the user user_name, golangsdk reads username: both are sent.
type flinkSummary struct {
	JobID              int64  `json:"job_id"`
	Name               string `json:"name"`
	Desc               string `json:"desc"`
	UserName           string `json:"user_name"`
	Username           string `json:"username"`
	JobType            string `json:"job_type"`
	Status             string `json:"status"`
	StatusDesc         string `json:"status_desc"`
	QueueName          string `json:"queue_name"`
	CreateTime         int64  `json:"create_time"`
	StartTime          *int64 `json:"start_time"`
	UpdateTime         int64  `json:"update_time"`
	Duration           int64  `json:"duration"`
	RootID             int64  `json:"root_id"`
	GraphEditorEnabled bool   `json:"graph_editor_enabled"`
	HasSavepoint       bool   `json:"has_savepoint"`
}

// flinkListDetail is a list entry with show_detail=true: the detail, plus
// golangsdk's username.
type flinkListDetail struct {
	flinkDetail
	Username string `json:"username"`
}

type flinkDetail struct {
	JobID              int64          `json:"job_id"`
	Name               string         `json:"name"`
	Desc               string         `json:"desc"`
	JobType            string         `json:"job_type"`
	Status             string         `json:"status"`
	StatusDesc         string         `json:"status_desc"`
	CreateTime         int64          `json:"create_time"`
	StartTime          *int64         `json:"start_time"`
	UserID             string         `json:"user_id"`
	UserName           string         `json:"user_name"`
	QueueName          string         `json:"queue_name"`
	ProjectID          string         `json:"project_id"`
	SQLBody            string         `json:"sql_body"`
	SavepointPath      *string        `json:"savepoint_path"`
	RunMode            string         `json:"run_mode"`
	JobConfig          flinkJobConfig `json:"job_config"`
	MainClass          *string        `json:"main_class"`
	EntrypointArgs     *string        `json:"entrypoint_args"`
	ExecutionGraph     *string        `json:"execution_graph"`
	UpdateTime         int64          `json:"update_time"`
	Duration           int64          `json:"duration"`
	RootID             int64          `json:"root_id"`
	GraphEditorEnabled bool           `json:"graph_editor_enabled"`
	HasSavepoint       bool           `json:"has_savepoint"`
	EdgeGroupIDs       []string       `json:"edge_group_ids"`
	RestartTimes       int            `json:"restart_times"`
	Feature            *string        `json:"feature"`
	FlinkVersion       *string        `json:"flink_version"`
	Image              *string        `json:"image"`
}

// flinkJobConfig is job_config: checkpoint_mode is the name here, while
// create and update take the number.
type flinkJobConfig struct {
	CheckpointEnabled     bool                 `json:"checkpoint_enabled"`
	CheckpointInterval    int                  `json:"checkpoint_interval"`
	CheckpointMode        string               `json:"checkpoint_mode"`
	LogEnabled            bool                 `json:"log_enabled"`
	ObsBucket             *string              `json:"obs_bucket"`
	RootID                int64                `json:"root_id"`
	EdgeGroupIDs          []string             `json:"edge_group_ids"`
	GraphEditorEnabled    bool                 `json:"graph_editor_enabled"`
	GraphEditorData       string               `json:"graph_editor_data"`
	ManagerCUNumber       int                  `json:"manager_cu_number"`
	ExecutorNumber        *int                 `json:"executor_number"`
	ExecutorCUNumber      *int                 `json:"executor_cu_number"`
	CUNumber              int                  `json:"cu_number"`
	ParallelNumber        int                  `json:"parallel_number"`
	SMNTopic              *string              `json:"smn_topic"`
	RestartWhenException  bool                 `json:"restart_when_exception"`
	ResumeCheckpoint      bool                 `json:"resume_checkpoint"`
	ResumeMaxNum          int                  `json:"resume_max_num"`
	CheckpointPath        *string              `json:"checkpoint_path"`
	IdleStateRetention    int                  `json:"idle_state_retention"`
	ConfigURL             *string              `json:"config_url"`
	UDFJarURL             *string              `json:"udf_jar_url"`
	DirtyDataStrategy     *string              `json:"dirty_data_strategy"`
	Entrypoint            *string              `json:"entrypoint"`
	DependencyJars        []string             `json:"dependency_jars"`
	DependencyFiles       []string             `json:"dependency_files"`
	TMCUs                 int                  `json:"tm_cus"`
	TMSlotNum             int                  `json:"tm_slot_num"`
	ExecutionAgencyURN    *string              `json:"execution_agency_urn"`
	OperatorConfig        *string              `json:"operator_config"`
	StaticEstimatorConfig *string              `json:"static_estimator_config"`
	RuntimeConfig         *string              `json:"runtime_config"`
	RealCUNumber          int                  `json:"real_cu_number"`
	ResourceConfigVersion string               `json:"resource_config_version"`
	ResourceConfig        *flinkResourceConfig `json:"resource_config"`
	Image                 *string              `json:"image"`
	Feature               *string              `json:"feature"`
	FlinkVersion          *string              `json:"flink_version"`
}

// nullable is s, or null when empty.
func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func msOrNull(t time.Time) *int64 {
	if t.IsZero() {
		return nil
	}
	ms := t.UnixMilli()
	return &ms
}

// flinkUserID is a stable 32-hex-digit user ID for an owner.
func flinkUserID(owner string) string {
	sum := sha256.Sum256([]byte("user:" + owner))
	return hex.EncodeToString(sum[:16])
}

func checkpointModeName(m int) string {
	if m == 2 {
		return "at_least_once"
	}
	return "exactly_once"
}

func (j *flinkJob) updateTime(v flinkView) time.Time {
	if v.since.After(j.UpdatedAt) {
		return v.since
	}
	return j.UpdatedAt
}

func (j *flinkJob) summary(v flinkView) flinkSummary {
	c := &j.Config
	return flinkSummary{
		JobID: j.ID, Name: c.Name, Desc: c.Desc, UserName: j.Owner, Username: j.Owner, JobType: c.JobType,
		Status: v.status, StatusDesc: v.desc, QueueName: c.QueueName, CreateTime: j.CreatedAt.UnixMilli(),
		StartTime: msOrNull(v.started), UpdateTime: j.updateTime(v).UnixMilli(), Duration: v.duration.Milliseconds(),
		RootID: -1, HasSavepoint: v.savepoint != "",
	}
}

func (j *flinkJob) detail(v flinkView) flinkDetail {
	c := &j.Config
	d := flinkDetail{
		JobID: j.ID, Name: c.Name, Desc: c.Desc, JobType: c.JobType, Status: v.status, StatusDesc: v.desc,
		CreateTime: j.CreatedAt.UnixMilli(), StartTime: msOrNull(v.started), UserID: flinkUserID(j.Owner),
		UserName: j.Owner, QueueName: c.QueueName, ProjectID: j.Project, SQLBody: c.SQLBody,
		SavepointPath: nullable(v.savepoint), RunMode: c.RunMode, JobConfig: j.jobConfig(),
		UpdateTime: j.updateTime(v).UnixMilli(), Duration: v.duration.Milliseconds(), RootID: -1,
		HasSavepoint: v.savepoint != "", EdgeGroupIDs: c.EdgeGroupIDs, FlinkVersion: nullable(c.FlinkVersion),
	}
	if j.Jar {
		d.MainClass, d.EntrypointArgs = nullable(c.MainClass), nullable(c.EntrypointArgs)
		d.Feature, d.Image = nullable(c.Feature), nullable(c.Image)
	}
	return d
}

func (j *flinkJob) jobConfig() flinkJobConfig {
	c := &j.Config
	jc := flinkJobConfig{
		CheckpointEnabled: c.CheckpointEnabled, CheckpointInterval: c.CheckpointInterval,
		CheckpointMode: checkpointModeName(c.CheckpointMode), LogEnabled: c.LogEnabled,
		ObsBucket: nullable(c.ObsBucket), RootID: -1, EdgeGroupIDs: c.EdgeGroupIDs,
		ManagerCUNumber: c.ManagerCUNumber, CUNumber: c.CUNumber, ParallelNumber: c.ParallelNumber,
		SMNTopic: nullable(c.SMNTopic), RestartWhenException: c.RestartWhenException,
		ResumeCheckpoint: c.ResumeCheckpoint, ResumeMaxNum: c.ResumeMaxNum,
		CheckpointPath: nullable(c.CheckpointPath), IdleStateRetention: c.IdleStateRetention,
		UDFJarURL: nullable(c.UDFJarURL), DirtyDataStrategy: nullable(c.DirtyDataStrategy),
		TMCUs: c.TMCUs, TMSlotNum: c.slotNum(), ExecutionAgencyURN: nullable(c.ExecutionAgencyURN),
		OperatorConfig: nullable(c.OperatorConfig), StaticEstimatorConfig: nullable(c.StaticEstimatorConfig),
		RuntimeConfig: nullable(c.RuntimeConfig), ResourceConfigVersion: c.ResourceConfigVersion,
		FlinkVersion: nullable(c.FlinkVersion),
	}
	if c.ResourceConfigVersion == "v2" {
		rc := defaultResourceConfig()
		if c.ResourceConfig != nil {
			rc = *c.ResourceConfig
		}
		jc.ResourceConfig = &rc
	}
	if j.Jar {
		jc.Entrypoint, jc.DependencyJars, jc.DependencyFiles = nullable(c.Entrypoint), c.DependencyJars, c.DependencyFiles
		jc.Feature, jc.Image = nullable(c.Feature), nullable(c.Image)
	}
	return jc
}
