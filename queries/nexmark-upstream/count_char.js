// count_char for upstream Nexmark q14: the JavaScript form of upstream's Java function
// com.github.nexmark.flink.udf.CountChar. It counts the bytes of `s` (UTF-8) equal to the first
// byte of `character`, and gives 0 for a NULL `s`, as the Java code does.
export default {
  kind: 'scalar',
  args: ['STRING', 'STRING'],
  returns: 'BIGINT',
  eval(s, character) {
    if (s === null) return 0;
    const chr = Buffer.from(character, 'utf8')[0];
    let count = 0;
    if (chr < 0x80) {
      // an ASCII byte occurs in UTF-8 only as that character itself
      for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) === chr) count++;
      return count;
    }
    for (const b of Buffer.from(s, 'utf8')) if (b === chr) count++;
    return count;
  },
};
