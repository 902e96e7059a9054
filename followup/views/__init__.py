"""The follow-up pages, a module per page family.

- reading: the start page and the röd tråd
- node: a goal's or an activity's page
- report: the overview in figures, the printable report and its exports
- search: one search box over a plan year
- entry: a period's follow-up, entered in one go
- years: plan years and their follow-up periods (officials)
- indicators: a goal's indicators and their outcomes
- kolada: importing outcomes from Kolada (officials)
"""
