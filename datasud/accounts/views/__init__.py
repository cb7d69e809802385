"""Account pages, one module per concern: `account` (sign-in, my account, API tokens),
`signup`, `password` (reset and change), `deletion`, and `members` (an organisation's
members and requests to join it); `accounts/urls.py` and `catalog/urls.py` map them."""
