package suppress

// Rule IDs of the findings (kind "suppression") about a bad or useless
// mcpriv-ignore comment. They are part of the JSON contract
// (docs/json-output.md); cmd/mcpriv's TestJSONContractEnumerations fails
// when one is missing there.
const (
	RuleUnknownCapability = "suppression.unknown-capability" // names something that is not a capability
	RuleNoCapability      = "suppression.no-capability"      // names no capability at all
	RuleNoReason          = "suppression.no-reason"          // gives no reason after "--"
	RuleUnused            = "suppression.unused"             // suppresses nothing on its line or the next
)

// Rules lists every rule ID above.
var Rules = []string{RuleUnknownCapability, RuleNoCapability, RuleNoReason, RuleUnused}
