// A scalar function: mask_email('alice@example.com') = 'a****@example.com'.
export default {
  kind: 'scalar',
  args: ['STRING'],
  returns: 'STRING',
  eval(email) {
    if (email === null) return null;
    const at = email.indexOf('@');
    if (at <= 0) return email;
    return email[0] + '*'.repeat(at - 1) + email.slice(at);
  },
};
