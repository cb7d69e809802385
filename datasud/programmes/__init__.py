"""Programmes of the region (Sud Labs, Parcours Sud Smart Territoires, Coach Digital...):
their calls, the organisations' applications and their instruction workflow, the labelled
places of Sud Labs and their yearly activity reports, and the indicators computed from
these records and published as open data.

Personal data stored, and why (GDPR):
- who submitted an application (`Application.submitted_by`) and who moved it from one
  status to the next (`StatusChange.by`): accountability of the instruction, seen by the
  applicant organisation's members and the region's staff only;
- who filed an activity report (`ActivityReport.submitted_by`), for the same reason.
Applications' answers describe an organisation's project, not a person. Nothing personal
ever reaches a public page, the API's public operations or the published indicators, which
are counts per programme, call, status, year or département.
"""
