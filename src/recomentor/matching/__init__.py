"""Cohort matching: exact capacity-aware assignment under program rules, reviewed as drafts."""
