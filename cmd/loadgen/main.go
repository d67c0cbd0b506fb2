// Command loadgen drives a running chaperone serve with a steady rate of
// requests and reports the latency percentiles and errors, for the
// README's load figures:
//
//	go run ./cmd/loadgen -url http://127.0.0.1:8080 -token "$TOKEN" -rate 500 -duration 60s
//	go run ./cmd/loadgen -url … -token "$CLINICIAN" -reviewer "$REVIEWER" -flow -rate 20 -duration 60s
//
// The first screens posts (POST /api/v1/screen) at an open-loop rate: a
// request is sent every 1/rate seconds whether or not the ones before have
// answered, so a slow server shows as latency, not as a lower rate. With
// -flow each operation is the whole compose-to-archive flow: create a
// draft, submit it, approve it as the reviewer (when it went to review)
// and publish it with a URL, four or five requests. Several -url values
// (comma-separated) spread the requests over replicas. It is a tool for
// measuring, not part of the product.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// posts are what the screens send: everyday posts and some naming
// patients, 60 to 200 bytes.
var posts = []string{
	"Flu shots are in: book at the front desk or online. Walk-ins welcome on Saturdays until noon.",
	"Discharged Mrs. Siobhan O'Connell home today after her hip surgery, MRN 0048-2913. Proud of the team!",
	"Reminder: sunscreen every day, even in winter. UV exposure adds up over the years.",
	"Great turnout at the 5K for heart health this morning! Thanks to everyone who came out.",
	"Saw Walter Pruitt (DOB 3/14/1931) in clinic today, what a character, 93 and still gardening.",
	"New study on statins and muscle pain: most reported aches were not caused by the drug. Worth a read.",
	"Our clinic is closed Monday for the holiday. For urgent needs call the after-hours line.",
	"Tough night in the ER: a 7-year-old from Sublette came in after a farm accident. Hug your kids.",
}

func main() {
	urls := flag.String("url", "http://127.0.0.1:8080", "the server(s), comma-separated")
	token := flag.String("token", "", "an API token (a clinician's for -flow)")
	reviewer := flag.String("reviewer", "", "a reviewer's API token (-flow)")
	rate := flag.Float64("rate", 500, "operations per second")
	duration := flag.Duration("duration", 60*time.Second, "how long to send")
	flow := flag.Bool("flow", false, "each operation is the compose-to-archive flow instead of one screen")
	timeout := flag.Duration("timeout", 10*time.Second, "one request's timeout")
	flag.Parse()
	if *token == "" || (*flow && *reviewer == "") || *rate <= 0 {
		fmt.Fprintln(os.Stderr, "usage: loadgen -url URL -token TOKEN [-flow -reviewer TOKEN] [-rate N] [-duration D]")
		os.Exit(3)
	}
	client := &http.Client{Timeout: *timeout, Transport: &http.Transport{MaxIdleConnsPerHost: 512, MaxConnsPerHost: 0}}
	servers := strings.Split(*urls, ",")
	var (
		mu        sync.Mutex
		latencies []time.Duration
		errs      = map[string]int{}
		wg        sync.WaitGroup
		n         atomic.Int64
	)
	record := func(d time.Duration, err error) {
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			errs[err.Error()]++
			return
		}
		latencies = append(latencies, d)
	}
	op := func(i int64) {
		defer wg.Done()
		base := servers[int(i)%len(servers)]
		start := time.Now()
		var err error
		if *flow {
			err = composeToArchive(client, base, *token, *reviewer, i)
		} else {
			_, err = call(client, "POST", base+"/api/v1/screen", *token, map[string]string{"text": posts[i%int64(len(posts))]}, 200)
		}
		record(time.Since(start), err)
	}
	interval := time.Duration(float64(time.Second) / *rate)
	start := time.Now()
	next := start
	for time.Since(start) < *duration {
		wg.Add(1)
		go op(n.Add(1))
		next = next.Add(interval)
		if d := time.Until(next); d > 0 {
			time.Sleep(d)
		}
	}
	sent := time.Since(start)
	wg.Wait()
	report(os.Stdout, latencies, errs, n.Load(), sent, *flow)
}

// composeToArchive runs one draft through the workflow.
func composeToArchive(c *http.Client, base, clinician, reviewer string, i int64) error {
	text := fmt.Sprintf("Flu clinic #%d this Saturday, 9 to noon: no appointment needed.", i)
	if i%4 == 0 {
		text = fmt.Sprintf("Thank you to the family of patient %d for the lovely card. Made our week.", i)
	}
	var d struct {
		ID     int64  `json:"id"`
		Status string `json:"status"`
	}
	if err := callInto(c, "POST", base+"/api/v1/drafts", clinician, map[string]string{"text": text}, 201, &d); err != nil {
		return err
	}
	var sub struct {
		Draft struct {
			Status string `json:"status"`
		} `json:"draft"`
		Status string `json:"status"`
	}
	path := fmt.Sprintf("%s/api/v1/drafts/%d", base, d.ID)
	if err := callInto(c, "POST", path+"/submit", clinician, nil, 200, &sub); err != nil {
		return err
	}
	status := sub.Status
	if status == "" {
		status = sub.Draft.Status
	}
	switch status {
	case "in_review":
		if _, err := call(c, "POST", path+"/review", reviewer, map[string]string{"action": "approve"}, 200); err != nil {
			return err
		}
	case "approved":
	default:
		return fmt.Errorf("submit: the draft is %s", status)
	}
	_, err := call(c, "POST", path+"/publish", clinician, map[string]string{"url": fmt.Sprintf("https://example.org/p/%d-%d", i, rand.Int())}, 200)
	return err
}

func call(c *http.Client, method, url, token string, body any, want int) ([]byte, error) {
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, r)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s: %s", method, errKind(err))
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		return b, fmt.Errorf("%s %s: status %d", method, shortPath(url), resp.StatusCode)
	}
	return b, nil
}

func callInto(c *http.Client, method, url, token string, body any, want int, v any) error {
	b, err := call(c, method, url, token, body, want)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// errKind names a transport error without the URL, so errors group.
func errKind(err error) string {
	s := err.Error()
	if i := strings.LastIndex(s, ": "); i >= 0 {
		return s[i+2:]
	}
	return s
}

// shortPath is the route of a URL, ids replaced, so errors group.
func shortPath(url string) string {
	if i := strings.Index(url, "/api/"); i >= 0 {
		url = url[i:]
	}
	parts := strings.Split(url, "/")
	for i, p := range parts {
		if p != "" && strings.Trim(p, "0123456789") == "" {
			parts[i] = "{id}"
		}
	}
	return strings.Join(parts, "/")
}

// report prints the achieved rate, the latency percentiles and the errors.
func report(w io.Writer, lat []time.Duration, errs map[string]int, n int64, sent time.Duration, flow bool) {
	slices.Sort(lat)
	pct := func(p float64) time.Duration {
		if len(lat) == 0 {
			return 0
		}
		return lat[min(len(lat)-1, int(float64(len(lat))*p))]
	}
	what := "screens"
	if flow {
		what = "compose-to-archive flows"
	}
	nerr := 0
	for _, c := range errs {
		nerr += c
	}
	fmt.Fprintf(w, "%d %s in %.1f s (%.0f/s sent); ok %d, errors %d\n", n, what, sent.Seconds(), float64(n)/sent.Seconds(), len(lat), nerr)
	fmt.Fprintf(w, "latency p50 %s, p90 %s, p99 %s, max %s\n", ms(pct(0.50)), ms(pct(0.90)), ms(pct(0.99)), ms(pct(1)))
	keys := make([]string, 0, len(errs))
	for k := range errs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Fprintf(w, "  error %q: %d\n", k, errs[k])
	}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) }
