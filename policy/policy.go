// Package policy routes a screened draft by an organisation's rules. The
// screen's decision (allow, review, block) is the floor; an organisation
// adds routes, written as CEL expressions over the screen result, the
// author, the account and the channel, that send more drafts to review or
// block them ("every review reply is read by a second person", "residents'
// posts are reviewed"). A policy can only tighten the screen's decision,
// never loosen it: a draft with PHI stays blocked whatever the policy says.
//
// The service (drafts, review queue) calls Route for every screen; any Go
// program may use the package, which imports no storage or web code.
package policy

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"slices"
	"strings"

	"cel.dev/cel-go/cel"
	"github.com/BurntSushi/toml"

	chaperone "github.com/chaperone-project/chaperone"
)

// Limits on policy files, so that a bad file cannot stall the service.
const (
	MaxFileBytes  = 256 << 10 // a policy file
	MaxRoutes     = 200       // routes in one policy
	MaxExprBytes  = 4 << 10   // one expression
	maxEvalCost   = 100_000   // CEL cost units per evaluation
	maxNameLength = 64
)

//go:embed default.toml
var defaultFile []byte

// Route is one rule of a policy: when the expression holds, the draft gets
// at least the route's decision.
type Route struct {
	Name   string `toml:"name" json:"name"`
	When   string `toml:"when" json:"when"`
	To     string `toml:"to" json:"to"` // "review" or "block"
	Reason string `toml:"reason" json:"reason"`
	// Match and NoMatch are example inputs the route must and must not
	// match; Parse checks them, so a policy's rules test themselves.
	Match   []Input `toml:"match" json:"match,omitempty"`
	NoMatch []Input `toml:"no_match" json:"no_match,omitempty"`
}

// Input is what a route's expression sees. In CEL: decision (string),
// types (list of finding types), findings (list of maps with type, rule,
// score, span_type), spans (list of maps with type, score), channel
// (string), author (map: role, specialty, employer, name, relationships),
// account (map: kind, platform, handle) and training (map: current, true
// when the author's required training is current; overdue, the slugs of
// the documents they are overdue on).
type Input struct {
	Result   chaperone.Result `toml:"-" json:"-"`
	Decision string           `toml:"decision" json:"decision,omitempty"` // examples only: the screen's decision
	Types    []string         `toml:"types" json:"types,omitempty"`       // examples only: finding types
	Channel  string           `toml:"channel" json:"channel,omitempty"`
	Author   chaperone.Author `toml:"author" json:"author"`
	Account  Account          `toml:"account" json:"account"`
	Training Training         `toml:"training" json:"training"`
}

// Training is where the author stands with the organisation's required
// training, for routes such as "block until training is current".
type Training struct {
	Current bool     `toml:"current" json:"current"`
	Overdue []string `toml:"overdue" json:"overdue,omitempty"`
}

// Account is the social account a draft will be published on.
type Account struct {
	Kind     chaperone.AccountKind `toml:"kind" json:"kind,omitempty"`
	Platform string                `toml:"platform" json:"platform,omitempty"`
	Handle   string                `toml:"handle" json:"handle,omitempty"`
}

// Match is a route that fired.
type Match struct {
	Route    string             `json:"route"`
	Decision chaperone.Decision `json:"decision"`
	Reason   string             `json:"reason"`
}

// Outcome is the routed decision: the screen's decision raised by every
// route that fired.
type Outcome struct {
	Decision chaperone.Decision `json:"decision"`
	Screen   chaperone.Decision `json:"screen_decision"`
	Matches  []Match            `json:"matches,omitempty"`
}

// Policy is a compiled set of routes. It is safe for concurrent use.
type Policy struct {
	routes []compiled
}

type compiled struct {
	Route
	to  chaperone.Decision
	prg cel.Program
}

// Default returns the policy chaperone ships with (policy/default.toml).
func Default() *Policy {
	p, err := Parse(defaultFile)
	if err != nil {
		panic("policy: the embedded default policy is invalid: " + err.Error())
	}
	return p
}

// DefaultFile returns the text of the shipped policy, a starting point for
// an organisation's own.
func DefaultFile() []byte { return bytes.Clone(defaultFile) }

// Parse reads a policy file (TOML with [[route]] tables), compiles every
// expression and runs every route's examples. Errors name the route and
// the key.
func Parse(data []byte) (*Policy, error) {
	if len(data) > MaxFileBytes {
		return nil, invalid("policy file is %d bytes; the limit is %d", len(data), MaxFileBytes)
	}
	var f struct {
		Route []Route `toml:"route"`
	}
	md, err := toml.Decode(string(data), &f)
	if err != nil {
		return nil, invalid("policy file: %v", err)
	}
	if un := md.Undecoded(); len(un) > 0 {
		return nil, invalid("policy file: unknown key %q", un[0].String())
	}
	return New(f.Route)
}

// New compiles routes into a policy.
func New(routes []Route) (*Policy, error) {
	if len(routes) > MaxRoutes {
		return nil, invalid("policy has %d routes; the limit is %d", len(routes), MaxRoutes)
	}
	env, err := newEnv()
	if err != nil {
		return nil, err
	}
	p := &Policy{}
	seen := map[string]bool{}
	for i, r := range routes {
		where := fmt.Sprintf("route %d", i+1)
		if r.Name != "" {
			where = fmt.Sprintf("route %q", r.Name)
		}
		switch {
		case r.Name == "":
			return nil, invalid("%s: name is required", where)
		case len(r.Name) > maxNameLength || strings.ContainsAny(r.Name, " \t\n"):
			return nil, invalid("%s: name must be one word of at most %d characters", where, maxNameLength)
		case seen[r.Name]:
			return nil, invalid("%s: name is used twice", where)
		case strings.TrimSpace(r.When) == "":
			return nil, invalid("%s: when is required", where)
		case len(r.When) > MaxExprBytes:
			return nil, invalid("%s: when is longer than %d bytes", where, MaxExprBytes)
		case strings.TrimSpace(r.Reason) == "":
			return nil, invalid("%s: reason is required (reviewers and authors see it)", where)
		}
		seen[r.Name] = true
		to := chaperone.Decision(r.To)
		if to != chaperone.Review && to != chaperone.Block {
			return nil, invalid("%s: to must be %q or %q (a policy can only tighten the screen's decision), not %q", where, chaperone.Review, chaperone.Block, r.To)
		}
		ast, iss := env.Compile(r.When)
		if iss.Err() != nil {
			return nil, invalid("%s: when: %v", where, iss.Err())
		}
		if ast.OutputType() != cel.BoolType {
			return nil, invalid("%s: when must be a true/false expression, not %v", where, ast.OutputType())
		}
		prg, err := env.Program(ast, cel.CostLimit(maxEvalCost))
		if err != nil {
			return nil, invalid("%s: when: %v", where, err)
		}
		c := compiled{Route: r, to: to, prg: prg}
		// an expression that fails on a plain input (a misspelt field
		// such as author.rol) fails here, not on a clinician's draft
		if _, err := c.eval(Input{}); err != nil {
			return nil, invalid("%s: when: %v", where, err)
		}
		for k, in := range r.Match {
			if ok, err := c.eval(in); err != nil || !ok {
				return nil, invalid("%s: match example %d: %s", where, k+1, exampleFailure(err, "does not match"))
			}
		}
		for k, in := range r.NoMatch {
			if ok, err := c.eval(in); err != nil || ok {
				return nil, invalid("%s: no_match example %d: %s", where, k+1, exampleFailure(err, "matches"))
			}
		}
		p.routes = append(p.routes, c)
	}
	return p, nil
}

func exampleFailure(err error, what string) string {
	if err != nil {
		return err.Error()
	}
	return what
}

// Routes returns the policy's routes, in file order.
func (p *Policy) Routes() []Route {
	out := make([]Route, len(p.routes))
	for i, c := range p.routes {
		out[i] = c.Route
	}
	return out
}

// Route decides where a screened draft goes. A route that cannot be
// evaluated fails closed: the draft goes at least to review, and the error
// is returned beside the outcome for the caller to record.
func (p *Policy) Route(in Input) (Outcome, error) {
	screen := in.Result.Decision
	if screen.Severity() < 0 {
		screen = chaperone.Review
	}
	out := Outcome{Decision: screen, Screen: screen}
	var errs []error
	for _, c := range p.routes {
		ok, err := c.eval(in)
		to, reason := c.to, c.Reason
		if err != nil {
			errs = append(errs, fmt.Errorf("route %q: %w", c.Name, err))
			ok, to, reason = true, chaperone.Review, "This route could not be evaluated, so the draft is reviewed."
		}
		if !ok {
			continue
		}
		out.Matches = append(out.Matches, Match{Route: c.Name, Decision: to, Reason: reason})
		if to.Severity() > out.Decision.Severity() {
			out.Decision = to
		}
	}
	return out, errors.Join(errs...)
}

func (c compiled) eval(in Input) (bool, error) {
	v, _, err := c.prg.Eval(activation(in))
	if err != nil {
		return false, err
	}
	b, ok := v.Value().(bool)
	if !ok {
		return false, fmt.Errorf("result is %T, not a boolean", v.Value())
	}
	return b, nil
}

func newEnv() (*cel.Env, error) {
	dyn := cel.MapType(cel.StringType, cel.DynType)
	env, err := cel.NewEnv(
		cel.Variable("decision", cel.StringType),
		cel.Variable("types", cel.ListType(cel.StringType)),
		cel.Variable("findings", cel.ListType(dyn)),
		cel.Variable("spans", cel.ListType(dyn)),
		cel.Variable("channel", cel.StringType),
		cel.Variable("author", dyn),
		cel.Variable("account", dyn),
		cel.Variable("training", dyn),
	)
	if err != nil {
		return nil, fmt.Errorf("policy: CEL environment: %w", err)
	}
	return env, nil
}

// activation turns an input into CEL variables. Every key is always
// present, so expressions never fail on a missing field.
func activation(in Input) map[string]any {
	r := in.Result
	decision := string(r.Decision)
	if in.Decision != "" {
		decision = in.Decision
	}
	types := slices.Clone(in.Types)
	findings := make([]any, 0, len(r.Findings))
	for _, f := range r.Findings {
		if !slices.Contains(types, string(f.Type)) {
			types = append(types, string(f.Type))
		}
		findings = append(findings, map[string]any{"type": string(f.Type), "rule": f.Rule, "score": f.Score, "span_type": string(f.SpanType)})
	}
	if types == nil {
		types = []string{}
	}
	spans := make([]any, 0, len(r.Spans))
	for _, s := range r.Spans {
		spans = append(spans, map[string]any{"type": string(s.Type), "score": s.Score})
	}
	rel := make([]any, 0, len(in.Author.Relationships))
	for _, x := range in.Author.Relationships {
		rel = append(rel, x)
	}
	overdue := make([]any, 0, len(in.Training.Overdue))
	for _, x := range in.Training.Overdue {
		overdue = append(overdue, x)
	}
	kind := in.Account.Kind
	if kind == "" {
		kind = in.Author.Account
	}
	return map[string]any{
		"decision": decision,
		"types":    types,
		"findings": findings,
		"spans":    spans,
		"channel":  in.Channel,
		"author": map[string]any{"role": in.Author.Role, "specialty": in.Author.Specialty, "employer": in.Author.Employer,
			"name": in.Author.Name, "relationships": rel},
		"account":  map[string]any{"kind": string(kind), "platform": in.Account.Platform, "handle": in.Account.Handle},
		"training": map[string]any{"current": in.Training.Current, "overdue": overdue},
	}
}

func invalid(format string, args ...any) error {
	return chaperone.Errorf(chaperone.ErrInvalid, format, args...)
}
