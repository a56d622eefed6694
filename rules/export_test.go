package rules

// MaxWordLen exposes maxWordLen to the external tests.
const MaxWordLen = maxWordLen
