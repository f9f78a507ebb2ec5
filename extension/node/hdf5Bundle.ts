/** Entry of the separate `dist/hdf5.js` bundle (see hdf5Library.ts). */
export { default } from 'h5wasm/node';
