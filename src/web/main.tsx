/**
 * Entry point: open the gallery (IndexedDB, or memory where the browser
 * refuses it), create the app's services, start loading models at once
 * (from our own server by default) and render the page.
 */
import { render } from 'preact';
import { App } from './App';
import { GalleryStore } from './gallery/store';
import { createServices } from './services';
import './styles.css';

const root = document.getElementById('app');
if (root === null) throw new Error('index.html has no #app element.');

const gallery = await GalleryStore.open();
const services = createServices(gallery);
services.loadModels();
render(<App services={services} />, root);
