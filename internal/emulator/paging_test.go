package emulator

import (
	"encoding/json"
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
