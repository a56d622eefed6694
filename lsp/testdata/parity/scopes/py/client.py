import httpx

# An instance created here and used by the server module: its calls are
# the library's (object flow across files).
http = httpx.Client()
