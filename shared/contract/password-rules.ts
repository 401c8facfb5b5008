/** The shortest password a new one may be (the service's rule, shown on the sign-in screen). Without zod. */
export const passwordRulesMinLength = 10;
