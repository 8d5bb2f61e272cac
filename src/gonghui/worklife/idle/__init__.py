"""Idle unions (空转, issue 14 item 5): the activity score, the list per subtree, the follow-ups."""
