/** Content-Type of each eKuiper `bodyType` of the HTTP connectors (rest sink, httppull source). */
export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  json: 'application/json',
  text: 'text/plain',
  html: 'text/html',
  xml: 'application/xml',
  javascript: 'application/javascript',
  form: 'application/x-www-form-urlencoded',
  binary: 'application/octet-stream',
};
