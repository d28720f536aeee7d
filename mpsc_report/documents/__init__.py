"""What a reader gets: report and factsheet blocks, provenance, QA gates, diff, exporters and templates."""
