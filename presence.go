package chaperone

// ActionGradeSnapshot records the day's presence-grade snapshots of an
// org (package grade): its details hold the day and how many snapshots
// were written, never a score's explanation or any post text.
const ActionGradeSnapshot AuditAction = "grade.snapshot"
