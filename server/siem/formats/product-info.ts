/** The product that emits SIEM events, as every format names it (e.g. `{ name: 'overshare', vendor: 'overshare', version: '1.2.3' }`). */
export type ProductInfo = {
  name: string;
  vendor: string;
  version: string;
};
