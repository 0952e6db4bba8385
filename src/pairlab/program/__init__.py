"""The enablement program: teams, who trained whom, and when a team is capable."""
