package emulator

import (
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// queryInt parses an optional integer query parameter.
func queryInt(q url.Values, key string, def int64) (int64, *response) {
	v := q.Get(key)
	if v == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		r := badRequest("The parameter %s is invalid: %q is not an integer", key, v)
		return 0, &r
	}
	return n, nil
}

// firstOf returns the first non-empty value among the given query keys.
func firstOf(q url.Values, keys ...string) string {
	for _, k := range keys {
		if v := q.Get(k); v != "" {
			return v
		}
	}
	return ""
}

// pageStyle is one of the paging styles of DLI's list APIs (dli-more-api.md
// §1.5): its query keys, default page size and bounds. Every style answers
// an empty page past the end (clients page until a page comes back empty),
// and the total is counted before paging.
type pageStyle struct {
	offsetKey, sizeKey string
	pageNumbers        bool  // offsetKey counts pages from 1 (current-page), else items from 0
	defaultSize        int64 // when sizeKey is absent or empty
	maxSize            int64 // 0: no maximum
	zeroIsAll          bool  // a size of 0 means every item
}

var (
	// fromSize pages the Spark batch list: from (items, from 0), size.
	fromSize = pageStyle{offsetKey: "from", sizeKey: "size", defaultSize: 100}
	// currentPage pages the SQL job and table lists: current-page (from 1), page-size 1..100.
	currentPage = pageStyle{offsetKey: "current-page", sizeKey: "page-size", pageNumbers: true, defaultSize: 50, maxSize: 100}
	// offsetLimit pages the Flink job list: offset (items, from 0), limit 1..100.
	offsetLimit = pageStyle{offsetKey: "offset", sizeKey: "limit", defaultSize: 10, maxSize: 100}
)

// page is a parsed paging request.
type page struct {
	offset int64 // the offset parameter as given (echoed by some lists)
	start  int64 // index of the first item
	size   int64 // items at most; negative: all
}

// parse reads the style's parameters from q; a bad value is 400 DLI.0001
// naming the parameter.
func (st pageStyle) parse(q url.Values) (page, *response) {
	first := int64(0)
	if st.pageNumbers {
		first = 1
	}
	off, e := queryInt(q, st.offsetKey, first)
	if e != nil {
		return page{}, e
	}
	if off < first {
		r := badRequest("The parameter %s is invalid: %d, it must not be negative", st.offsetKey, off)
		if st.pageNumbers {
			r = badRequest("The parameter %s is invalid: %d, it must be at least 1", st.offsetKey, off)
		}
		return page{}, &r
	}
	size, e := queryInt(q, st.sizeKey, st.defaultSize)
	if e != nil {
		return page{}, e
	}
	switch {
	case size == 0 && st.zeroIsAll:
		size = -1
	case st.maxSize > 0 && (size < 1 || size > st.maxSize):
		r := badRequest("The parameter %s is invalid: %d, it must be between 1 and %d", st.sizeKey, size, st.maxSize)
		return page{}, &r
	case size < 1:
		r := badRequest("The parameter %s is invalid: %d, it must be at least 1", st.sizeKey, size)
		return page{}, &r
	}
	p := page{offset: off, start: off, size: size}
	if st.pageNumbers {
		p.start = math.MaxInt64 // past any end, unless (off-1)*size fits
		if size > 0 && off-1 <= math.MaxInt64/size {
			p.start = (off - 1) * size
		}
	}
	return p, nil
}

// bounds is the window [lo, hi) of the page over n items: empty (n, n)
// past the end.
func (p page) bounds(n int) (lo, hi int) {
	total := int64(n)
	if p.start >= total {
		return n, n
	}
	end := total
	if p.size >= 0 && p.size < total-p.start { // not start+size < total: it overflows
		end = p.start + p.size
	}
	return int(p.start), int(end)
}

// pageOf returns the items of page p (never nil).
func pageOf[T any](items []T, p page) []T {
	lo, hi := p.bounds(len(items))
	return append([]T{}, items[lo:hi]...)
}

// listQuery parses a list's query string and its page (in style st); a bad one is 400 DLI.0001.
func listQuery(c *call, st pageStyle) (url.Values, page, *response) {
	q, err := url.ParseQuery(c.r.URL.RawQuery)
	if err != nil {
		r := badRequest("The query string is invalid: %v", err)
		return nil, page{}, &r
	}
	pg, e := st.parse(q)
	if e != nil {
		return nil, page{}, e
	}
	return q, pg, nil
}

// timeRange reads a list's optional start and end (Unix milliseconds; -1 when absent).
func timeRange(q url.Values) (start, end int64, e *response) {
	if start, e = queryInt(q, "start", -1); e != nil {
		return 0, 0, e
	}
	if end, e = queryInt(q, "end", -1); e != nil {
		return 0, 0, e
	}
	return start, end, nil
}

// oneOf checks an optional enumerated parameter: "" or one of allowed, else 400 DLI.0001
// listing them.
func oneOf(param, v string, allowed []string) *response {
	if v == "" || slices.Contains(allowed, v) {
		return nil
	}
	r := badRequest("The parameter %s is invalid: %q, it must be one of %s", param, v, strings.Join(allowed, ", "))
	return &r
}
