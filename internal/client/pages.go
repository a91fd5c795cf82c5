package client

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// pageWalk is one paged list route, as walkPages follows it.
type pageWalk[T any] struct {
	op   string
	size int // the page size asked for
	// shortEnds: a page shorter than size is the last one (else only an empty page is).
	shortEnds bool
	// fetch asks for page n (from 0), after offset items, and returns its items and the total
	// the answer reports (0 = none).
	fetch func(ctx context.Context, n, offset int) ([]T, int, error)
	// key identifies an item; "" is never taken for a duplicate.
	key func(T) string
}

// walkPages calls fn for every listed item until fn returns false. An item seen twice (a new
// one shifting a page) is passed once. The walk ends on a page with nothing new (also a server
// that ignores the offset), when the reported total is reached, on a short page when
// w.shortEnds, and with an error past maxListPages pages.
func walkPages[T any](ctx context.Context, w pageWalk[T], fn func(T) bool) error {
	seen := make(map[string]bool)
	listed := 0
	for page := 0; ; page++ {
		if page >= maxListPages {
			return fmt.Errorf("dli: %s: more than %d pages; giving up", w.op, maxListPages)
		}
		items, total, err := w.fetch(ctx, page, listed)
		if err != nil {
			return err
		}
		fresh := 0
		for _, it := range items {
			if k := w.key(it); k != "" {
				if seen[k] {
					continue
				}
				seen[k] = true
			}
			fresh++
			if !fn(it) {
				return nil
			}
		}
		listed += len(items)
		if fresh == 0 || w.shortEnds && len(items) < w.size || total > 0 && listed >= total {
			return nil
		}
	}
}

// listing walks a list: it calls fn for every item until fn returns false.
type listing[T any] func(fn func(T) bool) error

// walk is the listing of w's pages.
func (w pageWalk[T]) walk(ctx context.Context) listing[T] {
	return func(fn func(T) bool) error { return walkPages(ctx, w, fn) }
}

// where is the listing of the items keep accepts.
func (l listing[T]) where(keep func(T) bool) listing[T] {
	return func(fn func(T) bool) error { return l(func(it T) bool { return !keep(it) || fn(it) }) }
}

// first is the first item match accepts (the walk stops there); false when there is none.
func (l listing[T]) first(match func(T) bool) (T, bool, error) {
	var found T
	ok := false
	err := l(func(it T) bool {
		found, ok = it, match(it)
		return !ok
	})
	if err != nil || !ok {
		var zero T
		return zero, false, err
	}
	return found, true, nil
}

// collect gathers the items of each, up to limit (0 = all); none when the walk fails.
func collect[T any](limit int, each listing[T]) ([]T, error) {
	var items []T
	err := each(func(it T) bool {
		items = append(items, it)
		return limit <= 0 || len(items) < limit
	})
	if err != nil {
		return nil, err
	}
	return items, nil
}

// getPage GETs one page of a list into out: call, with the base filters and the page's own
// parameters.
func (c *Client) getPage(ctx context.Context, call apiCall, base, page url.Values, out interface{}) error {
	q := cloneValues(base)
	for k, v := range page {
		q[k] = v
	}
	call.query = q
	_, err := c.do(ctx, call, out)
	return err
}

// pageSize is the size a list asks for: size when in (0, limit], else def.
func pageSize(size, def, limit int) int {
	if size <= 0 || size > limit {
		return def
	}
	return size
}

// pageAt is a page's parameters: a start (an offset or a page number) and a size.
func pageAt(startKey string, start int, sizeKey string, size int) url.Values {
	return url.Values{startKey: {strconv.Itoa(start)}, sizeKey: {strconv.Itoa(size)}}
}

// cloneValues copies a base query for one page.
func cloneValues(base url.Values) url.Values {
	q := make(url.Values, len(base)+2)
	for k, v := range base {
		q[k] = v
	}
	return q
}

// listQuery is a list's filter query under construction; what is blank or zero is left out.
type listQuery struct{ url.Values }

func newListQuery() listQuery { return listQuery{url.Values{}} }

func (q listQuery) set(k, v string) {
	if v = strings.TrimSpace(v); v != "" {
		q.Set(k, v)
	}
}

// millis sets k to t in Unix milliseconds.
func (q listQuery) millis(k string, t time.Time) {
	if !t.IsZero() {
		q.Set(k, strconv.FormatInt(t.UnixMilli(), 10))
	}
}

// tags sets "tags" to the key=value pairs sorted by key and joined by ",".
func (q listQuery) tags(m map[string]string) {
	if len(m) > 0 {
		q.Set("tags", tagFilter(m))
	}
}
