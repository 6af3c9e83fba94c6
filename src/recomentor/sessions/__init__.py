"""Knowledge-sharing sessions: topics from goals, junior hosts, attendees planned exactly."""
