export { compileTemplate, type TemplateOptions } from './compile.js';
export { TemplateSyntaxError } from './lexer.js';
export { BUILTIN_FUNCS, truth, type TemplateFunc } from './funcs.js';
export { goSprintf, printValue } from './go-format.js';
export { compileSinkTransform, type SinkTransform } from './sink-transform.js';
