package manifest

// The limits of a manifest, one set for the reader (Parse) and the writers
// (Create, Update, AddGrant, RemoveGrant): a writer re-reads what it wrote
// with Parse and refuses a text the reader would refuse, so mcpriv never
// writes a manifest it cannot read back.
const (
	// MaxSize is the largest manifest, in bytes; larger files are refused.
	MaxSize = 1 << 20
	// maxAliases is the most alias nodes (*name) a manifest may hold.
	maxAliases = 100
	// maxExpansion is the most nodes that following aliases may add to the
	// nodes written in the text: an alias bomb ("billion laughs") multiplies
	// them with every level and is refused instead of walked. Nodes written
	// out are bounded by MaxSize and never count against it, so a long
	// list of hosts is not mistaken for a bomb.
	maxExpansion = 20000
	// maxNodeDepth is the deepest a manifest's grants are read.
	maxNodeDepth = 32
)
