package emulator

import (
	"encoding/json"
	"net/http"
)

// adminJob is the JSON form of a JobSnapshot on GET /_emulator/jobs.
type adminJob struct {
	ID              string         `json:"id"`
	Name            string         `json:"name"`
	Queue           string         `json:"queue"`
	Owner           string         `json:"owner"`
	State           string         `json:"state"`
	AppID           string         `json:"appId"`
	ScType          string         `json:"sc_type"`
	Conf            map[string]any `json:"conf"`
	ReqBody         string         `json:"req_body"`
	CreateTime      int64          `json:"create_time"`
	UpdateTime      int64          `json:"update_time"`
	CancelRequested bool           `json:"cancel_requested"`
	Outcome         string         `json:"outcome"`
	Log             []string       `json:"log"`
}

type faultsBody struct {
	Fault5xx         *float64 `json:"fault_5xx"`
	Fault429         *float64 `json:"fault_429"`
	FaultAfterCommit *float64 `json:"fault_after_commit"`
}

type faultsJSON struct {
	Fault5xx         float64 `json:"fault_5xx"`
	Fault429         float64 `json:"fault_429"`
	FaultAfterCommit float64 `json:"fault_after_commit"`
}

// serveAdmin serves the test routes: no auth, no latency, no faults, not
// recorded, loopback clients only.
//
//	GET  /_emulator/requests  request log (JSON array, [] when empty)
//	POST /_emulator/reset     forget jobs and the request log
//	GET  /_emulator/jobs      every job with its current state
//	GET  /_emulator/faults    current fault rates
//	POST /_emulator/faults    change fault rates: {"fault_5xx":0.1,...}
func (s *Server) serveAdmin(w http.ResponseWriter, r *http.Request, reqID string) {
	if !isLoopback(r.RemoteAddr) {
		write(w, apigError(http.StatusForbidden, "APIGW.0302", "The admin routes of the emulator are only served to loopback clients", reqID))
		return
	}
	switch r.URL.Path {
	case "/_emulator/requests":
		if r.Method != http.MethodGet {
			break
		}
		write(w, okJSON(s.Requests()))
		return
	case "/_emulator/reset":
		if r.Method != http.MethodPost {
			break
		}
		s.Reset()
		write(w, okJSON(msgResponse{Msg: "reset"}))
		return
	case "/_emulator/jobs":
		if r.Method != http.MethodGet {
			break
		}
		out := []adminJob{}
		for _, j := range s.Jobs() {
			out = append(out, adminJob{
				ID: j.ID, Name: j.Name, Queue: j.Queue, Owner: j.Owner, State: j.State, AppID: j.AppID,
				ScType: j.ScType, Conf: j.Conf, ReqBody: j.ReqBody, CreateTime: j.CreatedAt.UnixMilli(),
				UpdateTime: j.UpdatedAt.UnixMilli(), CancelRequested: j.CancelRequested, Outcome: j.Outcome, Log: j.Log,
			})
		}
		write(w, okJSON(out))
		return
	case "/_emulator/faults":
		switch r.Method {
		case http.MethodGet:
		case http.MethodPost:
			var fb faultsBody
			dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16))
			if err := dec.Decode(&fb); err != nil {
				write(w, badRequest("The format of message is error: %v", err))
				return
			}
			f5, f4, fa := s.Faults()
			for _, p := range []struct {
				src *float64
				dst *float64
			}{{fb.Fault5xx, &f5}, {fb.Fault429, &f4}, {fb.FaultAfterCommit, &fa}} {
				if p.src != nil {
					if *p.src < 0 || *p.src > 1 {
						write(w, badRequest("fault rates must be within [0,1]"))
						return
					}
					*p.dst = *p.src
				}
			}
			s.SetFaults(f5, f4, fa)
		default:
			write(w, apigError(http.StatusMethodNotAllowed, CodeAPINotFound, "Method not allowed", reqID))
			return
		}
		f5, f4, fa := s.Faults()
		write(w, okJSON(faultsJSON{f5, f4, fa}))
		return
	default:
		write(w, apigError(http.StatusNotFound, CodeAPINotFound, "The API does not exist or has not been published in the environment", reqID))
		return
	}
	write(w, apigError(http.StatusMethodNotAllowed, CodeAPINotFound, "Method not allowed", reqID))
}
