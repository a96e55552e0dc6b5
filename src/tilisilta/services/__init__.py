"""Named operations over flows, defined once for the CLI, the demo, the job runner and the web
app alike. Results carry structured fixes, never CLI text."""
