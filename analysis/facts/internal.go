package facts

import "errors"

// ErrInternal marks a panic an extractor recovered from: a bug in mcpriv,
// not in the analysed file. The facts returned with it are incomplete, so
// they must not be cached or taken as the file's facts without the error.
// The error names the file and the panic, never a stack trace: it is shown
// in reports.
var ErrInternal = errors.New("internal error")
