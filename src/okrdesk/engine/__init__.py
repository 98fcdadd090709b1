"""From plan, stored numbers and a date to progress: rollups, pace, status, scores."""
