package review

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// googleReview is a review in Google Business Profile's reviews.list
// answer (and the Takeout export of it).
type googleReview struct {
	Name     string `json:"name"`
	ReviewID string `json:"reviewId"`
	Reviewer struct {
		DisplayName string `json:"displayName"`
		IsAnonymous bool   `json:"isAnonymous"`
	} `json:"reviewer"`
	StarRating  string `json:"starRating"`
	Comment     string `json:"comment"`
	CreateTime  string `json:"createTime"`
	ReviewReply *struct {
		Comment string `json:"comment"`
	} `json:"reviewReply"`
}

// yelpReview is a review in the Yelp Fusion API's reviews answer.
type yelpReview struct {
	ID          string  `json:"id"`
	URL         string  `json:"url"`
	Text        string  `json:"text"`
	Rating      float64 `json:"rating"`
	TimeCreated string  `json:"time_created"`
	User        struct {
		Name string `json:"name"`
	} `json:"user"`
}

// genericReview is chaperone's own shape, for other sites.
type genericReview struct {
	Site     string          `json:"site"`
	ID       json.RawMessage `json:"id"`
	Reviewer string          `json:"reviewer"`
	Rating   json.RawMessage `json:"rating"`
	Text     string          `json:"text"`
	Date     string          `json:"date"`
	URL      string          `json:"url"`
	Reply    string          `json:"reply"`
}

// parseJSON reads a JSON export; first is its first byte that is not
// white space.
func parseJSON(data []byte, first byte, site string) ([]Review, error) {
	var list []json.RawMessage
	if first == '{' {
		var wrap struct {
			Reviews []json.RawMessage `json:"reviews"`
		}
		if err := json.Unmarshal(data, &wrap); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrFormat, jsonFileError(err, data))
		}
		if wrap.Reviews == nil {
			return nil, fmt.Errorf("%w: a JSON object needs a \"reviews\" list", ErrFormat)
		}
		list = wrap.Reviews
	} else if err := json.Unmarshal(data, &list); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFormat, jsonFileError(err, data))
	}
	if len(list) > MaxReviews {
		return nil, fmt.Errorf("the export has more than %d reviews; split it", MaxReviews)
	}
	out := make([]Review, 0, len(list))
	for i, raw := range list {
		where := fmt.Sprintf("review %d", i+1)
		var keys map[string]json.RawMessage
		if err := json.Unmarshal(raw, &keys); err != nil {
			return nil, fmt.Errorf("%s: not a JSON object", where)
		}
		var rv Review
		var err error
		switch {
		case keys["starRating"] != nil || keys["reviewId"] != nil:
			rv, err = fromGoogle(raw, where)
		case keys["time_created"] != nil:
			rv, err = fromYelp(raw, where)
		default:
			rv, err = fromGeneric(raw, where, site)
		}
		if err != nil {
			return nil, err
		}
		if err := rv.check(where); err != nil {
			return nil, err
		}
		out = append(out, rv)
	}
	return out, nil
}

var starWords = map[string]int{"ONE": 1, "TWO": 2, "THREE": 3, "FOUR": 4, "FIVE": 5}

func fromGoogle(raw json.RawMessage, where string) (Review, error) {
	var g googleReview
	if err := json.Unmarshal(raw, &g); err != nil {
		return Review{}, fmt.Errorf("%s: %v", where, jsonError(err))
	}
	rv := Review{Site: "google", ExternalID: g.ReviewID, Reviewer: g.Reviewer.DisplayName, Rating: starWords[g.StarRating], Text: g.Comment}
	if rv.ExternalID == "" && g.Name != "" {
		rv.ExternalID = g.Name[strings.LastIndexByte(g.Name, '/')+1:]
	}
	if g.ReviewReply != nil {
		rv.Reply = g.ReviewReply.Comment
	}
	var err error
	if rv.CreatedAt, err = parseDate(g.CreateTime); err != nil {
		return rv, fmt.Errorf("%s: createTime: %v", where, err)
	}
	return rv, nil
}

func fromYelp(raw json.RawMessage, where string) (Review, error) {
	var y yelpReview
	if err := json.Unmarshal(raw, &y); err != nil {
		return Review{}, fmt.Errorf("%s: %v", where, jsonError(err))
	}
	rv := Review{Site: "yelp", ExternalID: y.ID, Reviewer: y.User.Name, Rating: int(y.Rating), Text: y.Text, URL: y.URL}
	if float64(rv.Rating) != y.Rating {
		return rv, fmt.Errorf("%s: the rating must be a whole number of stars", where)
	}
	var err error
	if rv.CreatedAt, err = parseDate(y.TimeCreated); err != nil {
		return rv, fmt.Errorf("%s: time_created: %v", where, err)
	}
	return rv, nil
}

func fromGeneric(raw json.RawMessage, where, site string) (Review, error) {
	var g genericReview
	if err := json.Unmarshal(raw, &g); err != nil {
		return Review{}, fmt.Errorf("%s: %v", where, jsonError(err))
	}
	rv := Review{Site: g.Site, Reviewer: g.Reviewer, Text: g.Text, URL: g.URL, Reply: g.Reply}
	if rv.Site == "" {
		rv.Site = site
	}
	rv.ExternalID = strings.Trim(string(g.ID), `"`)
	var err error
	if rv.Rating, err = parseRating(strings.Trim(string(g.Rating), `"`)); err != nil {
		return rv, fmt.Errorf("%s: %v", where, err)
	}
	if rv.CreatedAt, err = parseDate(g.Date); err != nil {
		return rv, fmt.Errorf("%s: date: %v", where, err)
	}
	return rv, nil
}

// parseRating reads "5", "4.0", "5 stars", "FIVE".
func parseRating(s string) (int, error) {
	s = strings.TrimSpace(strings.ToLower(s))
	s = strings.TrimSuffix(strings.TrimSuffix(s, " stars"), " star")
	if n, ok := starWords[strings.ToUpper(s)]; ok {
		return n, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != float64(int(f)) {
		return 0, fmt.Errorf("the rating must be a whole number from 1 to 5")
	}
	return int(f), nil
}

// csvColumns are the header names each field goes by in the exports.
var csvColumns = map[string][]string{
	"site":     {"site", "source", "platform"},
	"id":       {"review id", "id", "reviewid", "review_id"},
	"reviewer": {"reviewer", "reviewer name", "user", "author", "name", "display name"},
	"rating":   {"rating", "star rating", "stars", "overall rating", "starrating"},
	"text":     {"text", "comment", "review", "review text", "content"},
	"date":     {"date", "create time", "review date", "time_created", "created", "createtime", "created at"},
	"url":      {"url", "review url", "link"},
	"reply":    {"reply", "response", "owner response", "reply text"},
}

func parseCSV(data []byte, site string) ([]Review, error) {
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = 0
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("%w: line 1: %v", ErrFormat, err)
	}
	col := map[string]int{}
	for i, h := range head {
		h = strings.ToLower(strings.TrimSpace(h))
		for field, names := range csvColumns {
			for _, n := range names {
				if h == n {
					if _, dup := col[field]; !dup {
						col[field] = i
					}
				}
			}
		}
	}
	for _, need := range []string{"id", "rating", "date"} {
		if _, ok := col[need]; !ok {
			return nil, fmt.Errorf("%w: line 1: no %s column (expected one of %s)", ErrFormat, need, strings.Join(csvColumns[need], ", "))
		}
	}
	if site == "" {
		site = guessSite(head)
	}
	var out []Review
	for {
		row, err := cr.Read()
		if err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			line := 0
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.Line
			}
			return nil, fmt.Errorf("line %d: %v", line, csvError(err))
		}
		line, _ := cr.FieldPos(0)
		where := fmt.Sprintf("line %d", line)
		if len(out) >= MaxReviews {
			return nil, fmt.Errorf("%s: the export has more than %d reviews; split it", where, MaxReviews)
		}
		get := func(f string) string {
			if i, ok := col[f]; ok && i < len(row) {
				return strings.TrimSpace(row[i])
			}
			return ""
		}
		rv := Review{Site: get("site"), ExternalID: get("id"), Reviewer: get("reviewer"), Text: get("text"), URL: get("url"), Reply: get("reply")}
		if rv.Site == "" {
			rv.Site = site
		}
		if rv.Rating, err = parseRating(get("rating")); err != nil {
			return nil, fmt.Errorf("%s: %v", where, err)
		}
		if rv.CreatedAt, err = parseDate(get("date")); err != nil {
			return nil, fmt.Errorf("%s: %v", where, err)
		}
		if err := rv.check(where); err != nil {
			return nil, err
		}
		out = append(out, rv)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: the CSV has a header but no reviews", ErrFormat)
	}
	return out, nil
}

// guessSite names the site from the columns its export uses.
func guessSite(head []string) string {
	h := strings.ToLower(strings.Join(head, ","))
	switch {
	case strings.Contains(h, "star rating") || strings.Contains(h, "create time"):
		return "google"
	case strings.Contains(h, "overall rating") || strings.Contains(h, "review text"):
		return "healthgrades"
	case strings.Contains(h, "time_created"):
		return "yelp"
	}
	return ""
}

// jsonError describes a JSON error without quoting the input.
func jsonError(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("JSON syntax error at byte %d", se.Offset)
	case errors.As(err, &te):
		return fmt.Sprintf("field %s must be %s", te.Field, te.Type)
	}
	return "unreadable JSON"
}

// jsonFileError describes an error in a whole JSON file with the line it
// is on, without quoting the input.
func jsonFileError(err error, data []byte) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("line %d: %s", lineOf(data, int(se.Offset)-1), jsonError(err))
	case errors.As(err, &te):
		return fmt.Sprintf("line %d: %s", lineOf(data, int(te.Offset)-1), jsonError(err))
	}
	return jsonError(err)
}

// csvError describes a CSV error without quoting the input.
func csvError(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return "unreadable CSV"
}
