// A table function: one row per path segment of a URL, with its position.
export default {
  kind: 'table',
  args: ['STRING'],
  returns: { segment: 'STRING', pos: 'INT' },
  *eval(url) {
    if (url === null) return;
    const path = url.replace(/^[a-z]+:\/\/[^/]*/, '');
    let pos = 0;
    for (const s of path.split('/')) if (s !== '') yield [s, ++pos];
  },
};
