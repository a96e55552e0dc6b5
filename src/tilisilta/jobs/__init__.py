"""Running flows unattended: schedules, the embedded runner, and procrastinate workers."""
