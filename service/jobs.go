package service

import (
	"context"
)

// PolicyListener is told when an organisation saves a new routing
// policy. The job package's Runner implements it, to re-screen the
// organisation's published posts in the background.
type PolicyListener interface {
	// PolicyChanged is called after the new policy is committed. Its
	// error is logged: the policy stays saved.
	PolicyChanged(ctx context.Context, orgID int64) error
}

// OnPolicyChange sets the listener SetOrgPolicy tells (nil: none).
// chaperone serve calls it once at start-up, once its jobs are running.
func (s *Service) OnPolicyChange(l PolicyListener) {
	if l == nil {
		s.policyListener.Store(nil)
		return
	}
	s.policyListener.Store(&l)
}

// policyChanged tells the listener, if any, that orgID saved a policy.
func (s *Service) policyChanged(ctx context.Context, orgID int64) {
	l := s.policyListener.Load()
	if l == nil {
		return
	}
	if err := (*l).PolicyChanged(ctx, orgID); err != nil {
		s.log.Error("re-screen after a policy change", "org", orgID, "err", err)
	}
}
