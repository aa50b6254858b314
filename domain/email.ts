// Email addresses as the engine compares them (pure).

/** The domain of an address, lower case ('' without one). */
export const emailDomain = (email: string): string => {
  const e = email.trim().toLowerCase();
  const at = e.lastIndexOf('@');
  return at < 0 ? '' : e.slice(at + 1);
};

/** The mailbox an address lands in: lower case, without a +tag (a+x@uni.kh and a@uni.kh are one person). */
export const mailbox = (email: string): string => {
  const e = email.trim().toLowerCase();
  const at = e.lastIndexOf('@');
  return `${e.slice(0, at).split('+')[0]}${e.slice(at)}`;
};
