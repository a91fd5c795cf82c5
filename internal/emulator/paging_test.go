package emulator

import (
	"cmp"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
)

func TestPagingStyles(t *testing.T) {
	items := []int{0, 1, 2, 3, 4, 5, 6}
	cases := []struct {
		name  string
		style pageStyle
		query string
		want  []int  // the page, when err is ""
		err   string // a part of the 400 DLI.0001 message
	}{
		{"from/size defaults", fromSize, "", items, ""},
		{"from/size window", fromSize, "from=2&size=3", []int{2, 3, 4}, ""},
		{"from/size last partial page", fromSize, "from=5&size=3", []int{5, 6}, ""},
		{"from/size exactly at the end", fromSize, "from=7", []int{}, ""},
		{"from/size past the end", fromSize, "from=99&size=5", []int{}, ""},
		{"from/size huge size", fromSize, "from=1&size=9223372036854775807", items[1:], ""},
		{"from/size empty values are absent", fromSize, "from=&size=", items, ""},
		{"from negative", fromSize, "from=-1", nil, "from is invalid: -1, it must not be negative"},
		{"size zero", fromSize, "size=0", nil, "size is invalid: 0, it must be at least 1"},
		{"from not a number", fromSize, "from=x", nil, `from is invalid: "x" is not an integer`},

		{"current-page defaults", currentPage, "", items, ""},
		{"current-page first page", currentPage, "current-page=1&page-size=3", []int{0, 1, 2}, ""},
		{"current-page third page", currentPage, "current-page=3&page-size=3", []int{6}, ""},
		{"current-page past the end", currentPage, "current-page=4&page-size=3", []int{}, ""},
		{"current-page far past the end", currentPage, "current-page=9223372036854775807&page-size=100", []int{}, ""},
		{"current-page zero", currentPage, "current-page=0", nil, "current-page is invalid: 0, it must be at least 1"},
		{"page-size above 100", currentPage, "page-size=101", nil, "page-size is invalid: 101, it must be between 1 and 100"},
		{"page-size zero", currentPage, "page-size=0", nil, "page-size is invalid: 0, it must be between 1 and 100"},

		{"offset/limit defaults", offsetLimit, "", items, ""},
		{"offset/limit window", offsetLimit, "offset=3&limit=2", []int{3, 4}, ""},
		{"offset/limit past the end", offsetLimit, "offset=7&limit=2", []int{}, ""},
		{"offset negative", offsetLimit, "offset=-3", nil, "offset is invalid: -3, it must not be negative"},
		{"limit above 100", offsetLimit, "limit=1000", nil, "limit is invalid: 1000, it must be between 1 and 100"},
		{"limit zero means all where the API says so", pageStyle{offsetKey: "offset", sizeKey: "limit", defaultSize: 100, zeroIsAll: true},
			"offset=2&limit=0", items[2:], ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q, err := url.ParseQuery(c.query)
			if err != nil {
				t.Fatal(err)
			}
			p, resp := c.style.parse(q)
			if c.err != "" {
				if resp == nil {
					t.Fatalf("accepted: %+v", p)
				}
				var body dliErrorBody
				_ = json.Unmarshal(resp.body, &body)
				if resp.status != 400 || body.ErrorCode != CodeParameter || !strings.Contains(body.ErrorMsg, c.err) {
					t.Fatalf("answer %d %s, want 400 DLI.0001 with %q", resp.status, resp.body, c.err)
				}
				return
			}
			if resp != nil {
				t.Fatalf("refused: %s", resp.body)
			}
			got := pageOf(items, p)
			if got == nil || !slices.Equal(got, c.want) {
				t.Fatalf("page %v, want %v", got, c.want)
			}
		})
	}
}

// The default page sizes are DLI's (§1.5): 100 for batches, 50 for SQL jobs, 10 for Flink jobs.
func TestPagingDefaultSizes(t *testing.T) {
	items := make([]int, 150)
	for _, c := range []struct {
		style pageStyle
		want  int
	}{{fromSize, 100}, {currentPage, 50}, {offsetLimit, 10}} {
		p, resp := c.style.parse(url.Values{})
		if resp != nil {
			t.Fatal(string(resp.body))
		}
		if n := len(pageOf(items, p)); n != c.want {
			t.Errorf("%s/%s default page has %d items, want %d", c.style.offsetKey, c.style.sizeKey, n, c.want)
		}
	}
}

// The list routes' shared query checks: the first bad parameter is the one named.
func TestListQueryChecks(t *testing.T) {
	tests := []struct {
		query string
		want  string // "" = accepted
	}{
		{query: "from=2&size=5&start=10&end=20&order=CREATE_TIME_ASC"},
		{query: "%zz", want: "The query string is invalid"},
		{query: "size=0", want: "The parameter size is invalid: 0, it must be at least 1"},
		{query: "start=x", want: `The parameter start is invalid: "x" is not an integer`},
		{query: "end=y&start=x", want: `The parameter start is invalid`},
		{query: "end=y", want: `The parameter end is invalid: "y" is not an integer`},
		{query: "order=up&state=gone", want: `The parameter order is invalid: "up", it must be one of CREATE_TIME_DESC, CREATE_TIME_ASC, DURATION_DESC, DURATION_ASC`},
		{query: "state=gone", want: `The parameter state is invalid: "gone", it must be one of`},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			c := &call{r: httptest.NewRequest(http.MethodGet, "/x?"+tt.query, nil)}
			var e *response
			q, pg, e := listQuery(c, fromSize)
			if e == nil {
				_, _, e = timeRange(q)
			}
			if e == nil {
				e = cmp.Or(oneOf("order", q.Get("order"), listOrders), oneOf("state", q.Get("state"), listStates))
			}
			var msg struct {
				Code string `json:"error_code"`
				Msg  string `json:"error_msg"`
			}
			if e != nil {
				_ = json.Unmarshal(e.body, &msg)
			}
			switch {
			case tt.want == "" && e != nil:
				t.Fatalf("refused: %s", e.body)
			case tt.want == "" && (pg.start != 2 || pg.size != 5):
				t.Fatalf("page %+v", pg)
			case tt.want != "" && (e == nil || e.status != http.StatusBadRequest || msg.Code != CodeParameter ||
				!strings.HasPrefix(msg.Msg, tt.want)):
				t.Fatalf("answer %+v (%+v), want 400 with %q", e, msg, tt.want)
			}
		})
	}
}
