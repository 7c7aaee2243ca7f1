"""Paths of the Umami API endpoints the client calls, relative to the server's URL base."""

login = "/api/auth/login"
websites = "/api/websites"
events = "/api/send"
verify = "/api/auth/verify"
heartbeat = "/api/heartbeat"
me = "/api/me"
# Not used by umami-analytics: the endpoint background batching posts to.
batch = "/api/batch"
