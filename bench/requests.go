package main

import (
	"net/http"
	"strings"

	"github.com/dli-tf/terraform-provider-dli/internal/emulator"
)

// reqCounts counts the API requests of one phase by route.
type reqCounts struct {
	Create int // POST   .../batches
	Detail int // GET    .../batches/{id}
	State  int // GET    .../batches/{id}/state
	Cancel int // DELETE .../batches/{id}
	List   int // GET    .../batches
	Other  int // log, unknown routes
	Errors int // answers other than 2xx (including dropped connections)
}

func (c reqCounts) Total() int { return c.Create + c.Detail + c.State + c.Cancel + c.List + c.Other }

// countRequests classifies the emulator's request log.
func countRequests(recs []emulator.RequestRecord) reqCounts {
	var c reqCounts
	for _, r := range recs {
		if r.Status/100 != 2 {
			c.Errors++
		}
		// /v2.0/{project}/batches[/{id}[/state|/log]]
		seg := strings.Split(strings.Trim(r.Path, "/"), "/")
		switch {
		case len(seg) == 3 && seg[2] == "batches" && r.Method == http.MethodPost:
			c.Create++
		case len(seg) == 3 && seg[2] == "batches" && r.Method == http.MethodGet:
			c.List++
		case len(seg) == 4 && seg[2] == "batches" && r.Method == http.MethodGet:
			c.Detail++
		case len(seg) == 4 && seg[2] == "batches" && r.Method == http.MethodDelete:
			c.Cancel++
		case len(seg) == 5 && seg[2] == "batches" && seg[4] == "state" && r.Method == http.MethodGet:
			c.State++
		default:
			c.Other++
		}
	}
	return c
}
