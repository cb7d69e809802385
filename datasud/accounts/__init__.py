"""Accounts: people, their organisation memberships, API tokens and sign-in.

Users are Django's own `auth.User`. Personal data kept, and why (see also
docs/architecture.md, "Data and personal data"):

- username, e-mail address, optional first and last name, password hash: to sign in, to
  send the sign-up confirmation, password reset and membership notices;
- organisation memberships and roles, and requests to join an organisation (with the
  optional message written by the person): to decide who may publish for whom;
- API tokens: only their SHA-256 hash, a short prefix and their last use.

Nothing of it is public. Failed sign-ins are counted in the cache only, under a hash of the
typed identifier and of the IP address, for 15 minutes (brute-force protection).

A person may delete their account at any time (`deletion.py`): the account, memberships,
requests, tokens and reuses declared in their own name go; datasets stay with their
organisation, reuses declared for an organisation stay with it, and the datasets' history
keeps the change without the person's name.
"""
