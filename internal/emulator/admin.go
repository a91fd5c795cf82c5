package emulator

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"
)

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

// allJobsKind is the {kind} of GET /_emulator/jobs/all; no service may use it.
const allJobsKind = "all"

// adminRoutes are the test routes: no auth, no latency, no faults, not
// recorded, loopback clients only.
//
//	GET  /_emulator/requests     request log (JSON array, [] when empty)
//	POST /_emulator/reset        forget every object and the request log
//	GET  /_emulator/jobs         the jobs of the first service, current state
//	GET  /_emulator/jobs/{kind}  the jobs of one service (its kind())
//	GET  /_emulator/jobs/all     {"<kind>": [...], ...} for every service
//	GET  /_emulator/faults       current fault rates
//	POST /_emulator/faults       change fault rates: {"fault_5xx":0.1,...}
func (s *Server) adminRoutes() *routes {
	rt := newRoutes()
	rt.read("GET /_emulator/requests", func(*call) response { return okJSON(s.Requests()) })
	rt.write("POST /_emulator/reset", func(*call) response {
		s.Reset()
		return okJSON(msgResponse{Msg: "reset"})
	})
	rt.read("GET /_emulator/jobs", func(*call) response { return okJSON(s.services[0].adminJobs()) })
	rt.read("GET /_emulator/jobs/{kind}", s.adminJobsOf)
	rt.read("GET /_emulator/faults", func(*call) response { return s.faultsAnswer() })
	rt.write("POST /_emulator/faults", s.setFaults)
	return rt
}

func (s *Server) adminJobsOf(c *call) response {
	kind := c.r.PathValue("kind")
	all := map[string]any{}
	for _, svc := range s.services {
		if svc.kind() == kind {
			return okJSON(svc.adminJobs())
		}
		all[svc.kind()] = svc.adminJobs()
	}
	if kind == allJobsKind {
		return okJSON(all)
	}
	return apigError(http.StatusNotFound, CodeAPINotFound, "There is no job kind named "+kind, c.reqID)
}

func (s *Server) faultsAnswer() response {
	f5, f4, fa := s.Faults()
	return okJSON(faultsJSON{f5, f4, fa})
}

func (s *Server) setFaults(c *call) response {
	var fb faultsBody
	var body []byte
	var err error
	s.withBodyDeadline(c, func() error {
		body, err = io.ReadAll(http.MaxBytesReader(c.w, c.r.Body, 1<<16))
		return err
	})
	if err == nil {
		err = json.NewDecoder(bytes.NewReader(body)).Decode(&fb)
	}
	if err == nil {
		err = checkDuplicateKeys(body)
	}
	if err != nil {
		return *malformed(err)
	}
	f5, f4, fa := s.Faults()
	for _, p := range []struct {
		src *float64
		dst *float64
	}{{fb.Fault5xx, &f5}, {fb.Fault429, &f4}, {fb.FaultAfterCommit, &fa}} {
		if p.src != nil {
			if *p.src < 0 || *p.src > 1 {
				return badRequest("fault rates must be within [0,1]")
			}
			*p.dst = *p.src
		}
	}
	s.SetFaults(f5, f4, fa)
	return s.faultsAnswer()
}

// serveAdmin answers an admin route.
func (s *Server) serveAdmin(w http.ResponseWriter, r *http.Request, reqID string) {
	write(w, s.admin(&call{w: w, r: r, reqID: reqID}))
}

func (s *Server) admin(c *call) response {
	if !isLoopback(c.r.RemoteAddr) {
		return apigError(http.StatusForbidden, CodeAdminForbidden, "The admin routes of the emulator are only served to loopback clients", c.reqID)
	}
	// A page in the developer's browser can reach a loopback server too:
	// DNS rebinding gives it another Host, and a form or a "simple" fetch
	// cannot send a JSON content type without a CORS preflight, which the
	// emulator never grants.
	if !isLoopbackHost(c.r.Host) {
		return apigError(http.StatusForbidden, CodeAdminForbidden, "The admin routes of the emulator are only served to a loopback Host (localhost, 127.0.0.1, [::1])", c.reqID)
	}
	if fromBrowserPage(c.r) {
		return apigError(http.StatusForbidden, CodeAdminForbidden, "The admin routes of the emulator are not served to web pages", c.reqID)
	}
	rt, status := s.admins.match(c.r)
	switch {
	case rt != nil && rt.method == http.MethodPost && !adminPostType(c.r):
		return apigError(http.StatusUnsupportedMediaType, CodeRequestError, "Unsupported media type: the admin routes take Content-Type: application/json", c.reqID)
	case rt != nil:
		return rt.h(c)
	case status == http.StatusMethodNotAllowed:
		return apigError(http.StatusMethodNotAllowed, CodeAPINotFound, "Method not allowed", c.reqID)
	default:
		return apigError(http.StatusNotFound, CodeAPINotFound, "The API does not exist or has not been published in the environment", c.reqID)
	}
}

// isLoopbackHost reports whether a Host header names this machine:
// localhost or a loopback IP literal, with or without a port.
func isLoopbackHost(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	} else {
		host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// fromBrowserPage reports a request a browser sent on behalf of a page of
// another origin: browsers add Origin to every cross-origin POST (and
// Sec-Fetch-Site), command-line tools and SDKs send neither.
func fromBrowserPage(r *http.Request) bool {
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
		return true
	}
	origin := r.Header.Get("Origin")
	if origin == "" {
		return false
	}
	u, err := url.Parse(origin)
	return err != nil || !isLoopbackHost(u.Host)
}

// adminPostType accepts a JSON body, or no body and no content type at all
// (`curl -X POST .../_emulator/reset`, as the README shows). A form or a
// "simple" fetch always carries a non-JSON content type.
func adminPostType(r *http.Request) bool {
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return r.ContentLength == 0
	}
	return isJSON(ct)
}

func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && mt == "application/json"
}
