package main

import (
	"flag"
	"fmt"
	"strings"

	chaperone "github.com/chaperone-project/chaperone"
)

// itemFlags are the flags that describe the item around the text: where it
// goes and who publishes it. scan and redact register them.
type itemFlags struct {
	channel       chaperone.Channel
	account       chaperone.AccountKind
	relationships []string
	employer      string
	context       string
	contextFile   string
	rules         string
	set           map[string]bool // flags given on the command line
}

// register adds the item flags to fs.
func (f *itemFlags) register(fs *flag.FlagSet) {
	f.channel = chaperone.ChannelPost
	fs.Func("channel", "the `channel` the text goes to: "+channelList()+" (default post)", func(s string) error {
		c := chaperone.Channel(s)
		if !c.Valid() {
			return fmt.Errorf("unknown channel; valid channels: %s", channelList())
		}
		f.channel = c
		return nil
	})
	fs.Func("account", "the author's `account`: professional or personal", func(s string) error {
		switch a := chaperone.AccountKind(s); a {
		case chaperone.AccountProfessional, chaperone.AccountPersonal, "":
			f.account = a
			return nil
		}
		return fmt.Errorf("must be professional or personal")
	})
	fs.Func("relationships", "the author's declared industry relationships, a comma-separated `list` (\"Pfizer,AbbVie\")", func(s string) error {
		f.relationships = splitList(s)
		return nil
	})
	fs.StringVar(&f.employer, "employer", "", "the author's `employer`")
	fs.StringVar(&f.context, "context", "", "the `TEXT` of the review, post or comment the text answers")
	fs.StringVar(&f.contextFile, "context-file", "", "read the context from `FILE`")
	registerRules(fs, &f.rules)
}

// registerRules adds the --rules flag to fs.
func registerRules(fs *flag.FlagSet, path *string) {
	fs.StringVar(path, "rules", "", "organisation rule `FILE` to merge over the default rules")
}

// parsed records which flags of fs were given; call it after parsing.
func (f *itemFlags) parsed(fs *flag.FlagSet) {
	f.set = map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { f.set[fl.Name] = true })
}

// item builds the item for one text, read from path, from the flags,
// reading the context file if one was given.
func (f *itemFlags) item(e *env, path, text string) (chaperone.Item, error) {
	it := chaperone.Item{
		Channel: f.channel,
		Author:  chaperone.Author{Employer: f.employer, Relationships: f.relationships, Account: f.account},
		Context: f.context,
		Text:    text,
	}
	if f.contextFile != "" {
		if f.context != "" {
			return it, usageErrorf("--context and --context-file are exclusive")
		}
		if isStdin(f.contextFile) && isStdin(path) {
			return it, usageErrorf("--context-file and the text cannot both be stdin")
		}
		ctx, _, err := readText(e, f.contextFile, "--context-file")
		if err != nil {
			return it, err
		}
		it.Context = ctx
	}
	return it, nil
}

// fill completes an item read from a JSON Lines batch: the channel
// defaults to --channel, and author fields the item leaves empty take the
// flags given on the command line. It rejects unknown channels and
// account kinds.
func (f *itemFlags) fill(it *chaperone.Item) error {
	switch {
	case it.Channel == "":
		it.Channel = f.channel
	case !it.Channel.Valid():
		return fmt.Errorf("unknown channel; valid channels: %s", channelList())
	}
	switch it.Author.Account {
	case "":
		if f.set["account"] {
			it.Author.Account = f.account
		}
	case chaperone.AccountProfessional, chaperone.AccountPersonal:
	default:
		return fmt.Errorf("author.account must be professional or personal")
	}
	if it.Author.Employer == "" && f.set["employer"] {
		it.Author.Employer = f.employer
	}
	if it.Author.Relationships == nil && f.set["relationships"] {
		it.Author.Relationships = f.relationships
	}
	return nil
}

// splitList splits a comma-separated list, trimming blanks.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// channelList returns the known channels, comma-separated.
func channelList() string {
	names := make([]string, len(chaperone.Channels))
	for i, c := range chaperone.Channels {
		names[i] = string(c)
	}
	return strings.Join(names, ", ")
}

// choice returns a flag.Func setter that accepts one of the values.
func choice(dst *string, values ...string) func(string) error {
	return func(s string) error {
		for _, v := range values {
			if s == v {
				*dst = s
				return nil
			}
		}
		return fmt.Errorf("must be one of %s", strings.Join(values, ", "))
	}
}
