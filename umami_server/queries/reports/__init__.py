"""Umami's reports (api-analytics.md §4), one module per report, on the shared query layer:
rows come from `queries.rows`, filters from `queries.filters`, dimensions from
`queries.dimensions`, metrics from `queries.measures` and time buckets from
`queries.timebuckets`, so a new backend needs no report-specific SQL."""
