package jsts

// kind is the extractor's own small enumeration of the grammar's node types,
// so the walk switches on integers instead of comparing type names.
type kind uint8

const (
	kOther kind = iota
	kProgram
	kIdentifier
	kPropertyIdentifier
	kShorthandProp
	kShorthandPattern
	kMember
	kSubscript
	kCall
	kNew
	kArguments
	kString
	kTemplate
	kTemplateSubst
	kNumber
	kTrue
	kFalse
	kThis
	kObject
	kPair
	kArray
	kSpread
	kFunctionDecl
	kFunctionExpr
	kArrow
	kMethod
	kClassDecl
	kClassExpr
	kClassBody
	kField
	kFormalParams
	kRequiredParam
	kAssignPattern
	kObjectPattern
	kArrayPattern
	kPairPattern
	kObjAssignPattern
	kRestPattern
	kLexicalDecl
	kVarDecl
	kDeclarator
	kImportStmt
	kImportClause
	kNamespaceImport
	kNamedImports
	kImportSpecifier
	kExportStmt
	kExportClause
	kExportSpecifier
	kAssign
	kAugAssign
	kBinary
	kTernary
	kAwait
	kParen
	kSequence
	kPassThrough // TS wrappers around an expression: x!, x as T, <T>x, x satisfies T
	kReturn
	kSwitch
	kSwitchBody
	kSwitchCase
	kSwitchDefault
	kIf
	kElse
	kBlock
	kForIn
	kFor
	kCatch
	kEnum
	kEnumBody
	kEnumAssign
	kComment
	kError
	kImport
	kTypeAnnotation
	kTypeIdentifier
	kNestedTypeIdentifier
	kGenericType
	kExprStmt
	kComputedProp
	kDefaultTok
	kConstTok
	kAccessibility
	kUnary
	kJSXTag
	kStatement // statements whose children are walked as they come
	kTypeNode  // type-level syntax: never evaluated
	kLastKind
)

var kindNames = map[string]kind{
	"program":                               kProgram,
	"identifier":                            kIdentifier,
	"property_identifier":                   kPropertyIdentifier,
	"private_property_identifier":           kPropertyIdentifier,
	"shorthand_property_identifier":         kShorthandProp,
	"shorthand_property_identifier_pattern": kShorthandPattern,
	"member_expression":                     kMember,
	"subscript_expression":                  kSubscript,
	"call_expression":                       kCall,
	"new_expression":                        kNew,
	"arguments":                             kArguments,
	"string":                                kString,
	"template_string":                       kTemplate,
	"template_substitution":                 kTemplateSubst,
	"number":                                kNumber,
	"true":                                  kTrue,
	"false":                                 kFalse,
	"this":                                  kThis,
	"object":                                kObject,
	"pair":                                  kPair,
	"array":                                 kArray,
	"spread_element":                        kSpread,
	"function_declaration":                  kFunctionDecl,
	"generator_function_declaration":        kFunctionDecl,
	"function_expression":                   kFunctionExpr,
	"function":                              kFunctionExpr,
	"generator_function":                    kFunctionExpr,
	"arrow_function":                        kArrow,
	"method_definition":                     kMethod,
	"class_declaration":                     kClassDecl,
	"abstract_class_declaration":            kClassDecl,
	"class":                                 kClassExpr,
	"class_body":                            kClassBody,
	"public_field_definition":               kField,
	"field_definition":                      kField,
	"formal_parameters":                     kFormalParams,
	"required_parameter":                    kRequiredParam,
	"optional_parameter":                    kRequiredParam,
	"assignment_pattern":                    kAssignPattern,
	"object_pattern":                        kObjectPattern,
	"array_pattern":                         kArrayPattern,
	"pair_pattern":                          kPairPattern,
	"object_assignment_pattern":             kObjAssignPattern,
	"rest_pattern":                          kRestPattern,
	"lexical_declaration":                   kLexicalDecl,
	"variable_declaration":                  kVarDecl,
	"variable_declarator":                   kDeclarator,
	"import_statement":                      kImportStmt,
	"import_clause":                         kImportClause,
	"namespace_import":                      kNamespaceImport,
	"named_imports":                         kNamedImports,
	"import_specifier":                      kImportSpecifier,
	"export_statement":                      kExportStmt,
	"export_clause":                         kExportClause,
	"export_specifier":                      kExportSpecifier,
	"assignment_expression":                 kAssign,
	"augmented_assignment_expression":       kAugAssign,
	"binary_expression":                     kBinary,
	"ternary_expression":                    kTernary,
	"await_expression":                      kAwait,
	"parenthesized_expression":              kParen,
	"sequence_expression":                   kSequence,
	"non_null_expression":                   kPassThrough,
	"as_expression":                         kPassThrough,
	"satisfies_expression":                  kPassThrough,
	"type_assertion":                        kPassThrough,
	"return_statement":                      kReturn,
	"switch_statement":                      kSwitch,
	"switch_body":                           kSwitchBody,
	"switch_case":                           kSwitchCase,
	"switch_default":                        kSwitchDefault,
	"if_statement":                          kIf,
	"else_clause":                           kElse,
	"statement_block":                       kBlock,
	"class_static_block":                    kBlock,
	"for_in_statement":                      kForIn,
	"for_statement":                         kFor,
	"catch_clause":                          kCatch,
	"enum_declaration":                      kEnum,
	"enum_body":                             kEnumBody,
	"enum_assignment":                       kEnumAssign,
	"comment":                               kComment,
	"html_comment":                          kComment,
	"ERROR":                                 kError,
	"import":                                kImport,
	"type_annotation":                       kTypeAnnotation,
	"type_identifier":                       kTypeIdentifier,
	"nested_type_identifier":                kNestedTypeIdentifier,
	"generic_type":                          kGenericType,
	"expression_statement":                  kExprStmt,
	"computed_property_name":                kComputedProp,
	"default":                               kDefaultTok,
	"const":                                 kConstTok,
	"accessibility_modifier":                kAccessibility,
	"unary_expression":                      kUnary,
	"jsx_opening_element":                   kJSXTag,
	"jsx_closing_element":                   kJSXTag,
	"jsx_self_closing_element":              kJSXTag,
	"try_statement":                         kStatement,
	"finally_clause":                        kStatement,
	"while_statement":                       kStatement,
	"do_statement":                          kStatement,
	"labeled_statement":                     kStatement,
	"throw_statement":                       kStatement,
	"empty_statement":                       kStatement,
	"break_statement":                       kStatement,
	"continue_statement":                    kStatement,
	"debugger_statement":                    kStatement,
	"with_statement":                        kStatement,
	"interface_declaration":                 kTypeNode,
	"type_alias_declaration":                kTypeNode,
	"ambient_declaration":                   kTypeNode,
	"type_arguments":                        kTypeNode,
	"type_parameters":                       kTypeNode,
	"implements_clause":                     kTypeNode,
	"abstract_method_signature":             kTypeNode,
	"method_signature":                      kTypeNode,
	"function_signature":                    kTypeNode,
	"index_signature":                       kTypeNode,
	"regex":                                 kTypeNode, // a literal with nothing to resolve
}
